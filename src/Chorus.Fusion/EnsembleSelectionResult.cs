namespace Chorus.Fusion;

/// <summary>The outcome of <see cref="EnsembleSelection.Select"/>.</summary>
public sealed class EnsembleSelectionResult
{
    internal EnsembleSelectionResult(double[] weights, int[] order, double[] trajectory)
    {
        Weights = weights;
        Order = order;
        Trajectory = trajectory;
    }

    /// <summary>
    /// One weight per member: how many times it was picked divided by the number of steps kept; they sum to 1. Use them
    /// with <see cref="SoftVoting"/> (whose renormalisation then changes nothing).
    /// </summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The member picked at each kept step.</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>The ensemble's loss after each kept step.</summary>
    public IReadOnlyList<double> Trajectory { get; }
}
