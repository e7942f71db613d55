namespace Chorus.Fusion;

/// <summary>The loss <see cref="EnsembleSelection"/> minimises on the hold-out set.</summary>
public enum EnsembleSelectionLoss
{
    /// <summary>Log loss (<see cref="ClassificationMetrics.LogLoss"/>); auto-sklearn's classification default.</summary>
    LogLoss = 0,

    /// <summary>1 − accuracy of the argmax (first maximum) of the ensemble's mean probabilities.</summary>
    ErrorRate = 1,
}
