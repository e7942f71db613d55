namespace Chorus.Fusion;

/// <summary>How <see cref="EnsembleSelection.Select"/> builds the ensemble.</summary>
public sealed class EnsembleSelectionOptions
{
    /// <summary>The number of greedy steps (members drawn with replacement), at least 1. Default 50, as auto-sklearn.</summary>
    public int Size { get; init; } = 50;

    /// <summary>The loss to minimise. Default <see cref="EnsembleSelectionLoss.LogLoss"/>.</summary>
    public EnsembleSelectionLoss Loss { get; init; } = EnsembleSelectionLoss.LogLoss;

    /// <summary>
    /// Keep only the steps up to the first one with the lowest loss (AutoGluon's <c>use_best</c>) instead of all
    /// <see cref="Size"/> steps (auto-sklearn). Default false.
    /// </summary>
    public bool UseBest { get; init; }
}
