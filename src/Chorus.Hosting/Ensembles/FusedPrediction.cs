namespace Chorus.Hosting.Ensembles;

/// <summary>An ensemble's answer for one sample.</summary>
public sealed class FusedPrediction
{
    internal FusedPrediction(IReadOnlyList<string> labels, int classIndex, double[] scores, IReadOnlyList<MemberScore> members,
        double agreement, bool isTie, FusionStrategyKind strategy, IReadOnlyList<string> excludedMembers, bool isDegraded)
    {
        Labels = labels;
        ClassIndex = classIndex;
        Scores = scores;
        Members = members;
        Agreement = agreement;
        IsTie = isTie;
        Strategy = strategy;
        ExcludedMembers = excludedMembers;
        IsDegraded = isDegraded;
    }

    /// <summary>The decision: the winning label, or null when no member could vote.</summary>
    public string? Label => ClassIndex >= 0 ? Labels[ClassIndex] : null;

    /// <summary>The index of <see cref="Label"/> in <see cref="Labels"/>, or -1.</summary>
    public int ClassIndex { get; }

    /// <summary>The ensemble's labels (the order of <see cref="Scores"/>).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The fused scores per label (probabilities for soft voting, stacking and selection; vote shares for hard voting).</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>Each member's aligned scores, latency and error.</summary>
    public IReadOnlyList<MemberScore> Members { get; }

    /// <summary>The fraction of answering members whose own top label is the decision.</summary>
    public double Agreement { get; }

    /// <summary>Whether the decision broke a tie (ties go to the label listed first).</summary>
    public bool IsTie { get; }

    /// <summary>The strategy that made the decision (stacking falls back to soft voting when a member is missing).</summary>
    public FusionStrategyKind Strategy { get; }

    /// <summary>Members left out of this sample: failed, timed out, or gave non-finite scores.</summary>
    public IReadOnlyList<string> ExcludedMembers { get; }

    /// <summary>Whether fewer than all members contributed.</summary>
    public bool IsDegraded { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Label ?? "(none)"} ({Strategy}, agreement {Agreement:P0}{(IsDegraded ? $", degraded: {string.Join(", ", ExcludedMembers)} missing" : string.Empty)})";
}
