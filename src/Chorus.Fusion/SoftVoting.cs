namespace Chorus.Fusion;

/// <summary>
/// Soft voting: the weighted mean of the members' class scores, then the class with the highest mean.
/// Rule for one sample, over the members whose row is all finite (set F):
/// <c>fused[k] = Σ_{m∈F} w_m·p[m,k] / Σ_{m∈F} w_m</c>, decision = the first maximum of <c>fused</c> (ties go to the lowest
/// class index).
/// </summary>
/// <remarks>
/// <para>
/// This is scikit-learn's <c>VotingClassifier(voting='soft')</c> (<c>np.average(probas, axis=0, weights=w)</c> then
/// <c>np.argmax</c>), summed in the same member order so that equal inputs give bit-equal outputs. With the ensemble's
/// labels in ascending order the tie rule equals scikit-learn's "ascending sort order" of labels.
/// </para>
/// <para>
/// Departures from scikit-learn, on purpose: a member whose row holds a NaN or an infinity is left out of that sample
/// (the weights are renormalised over the others) and reported in <see cref="FusionDecision.ExcludedMembers"/>, where
/// scikit-learn lets the NaN through and <c>argmax</c> then picks the NaN's column. Weights must be finite and at least 0
/// and not all zero (checked here, when the ensemble is built); scikit-learn accepts negative weights and fails with
/// <c>ZeroDivisionError</c> only at predict time. When every member is left out (or the members left all have weight 0)
/// there is no decision: <see cref="FusionDecision.ClassIndex"/> is -1 and the fused scores are NaN.
/// </para>
/// <para>
/// Rows must already be in the ensemble's label order (see <see cref="LabelAlignment"/>). <see cref="Fuse"/> allocates
/// nothing, and one instance may be used from many threads at once (it holds only the immutable weights).
/// </para>
/// </remarks>
public sealed class SoftVoting
{
    private readonly double[] _weights;

    /// <summary>Creates the strategy and validates its weights.</summary>
    /// <param name="memberCount">Members in the ensemble, 1 to 64.</param>
    /// <param name="classCount">Classes in the ensemble's label order, at least 1.</param>
    /// <param name="weights">One finite weight ≥ 0 per member, not all zero; null for equal weights.</param>
    /// <exception cref="FusionConfigurationException">A count or a weight is out of range.</exception>
    public SoftVoting(int memberCount, int classCount, IReadOnlyList<double>? weights = null)
    {
        MemberWeights.CheckMemberCount(memberCount, nameof(SoftVoting));
        MemberWeights.CheckClassCount(classCount, nameof(SoftVoting));
        _weights = MemberWeights.Validate(weights, memberCount, nameof(SoftVoting));
        MemberCount = memberCount;
        ClassCount = classCount;
    }

    /// <summary>Members in the ensemble.</summary>
    public int MemberCount { get; }

    /// <summary>Classes in the ensemble's label order.</summary>
    public int ClassCount { get; }

    /// <summary>The members' weights (all 1 when none were given).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Fuses one sample.</summary>
    /// <param name="memberScores">
    /// <see cref="MemberCount"/> × <see cref="ClassCount"/> scores, row-major (member 0's classes, then member 1's, ...),
    /// each row in the ensemble's label order.
    /// </param>
    /// <param name="fused">Receives the <see cref="ClassCount"/> fused scores (NaN when there is no decision).</param>
    /// <returns>The decision, its tie flag, the members' agreement and the excluded members.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public FusionDecision Fuse(ReadOnlySpan<double> memberScores, Span<double> fused)
    {
        var classCount = ClassCount;
        if (memberScores.Length != MemberCount * classCount)
        {
            ThrowHelper.LengthMismatch(nameof(memberScores), MemberCount * classCount, memberScores.Length);
        }

        if (fused.Length < classCount)
        {
            ThrowHelper.TooShort(nameof(fused), classCount, fused.Length);
        }

        fused = fused[..classCount];
        fused.Clear();
        var weights = _weights;
        ulong excluded = 0;
        var weightSum = 0.0;
        for (var m = 0; m < weights.Length; m++)
        {
            var row = memberScores.Slice(m * classCount, classCount);
            if (!Scores.AllFinite(row))
            {
                excluded |= 1UL << m;
                continue;
            }

            var w = weights[m];
            weightSum += w;
            for (var k = 0; k < classCount; k++)
            {
                fused[k] += w * row[k];
            }
        }

        if (weightSum == 0)
        {
            fused.Fill(double.NaN);
            return new FusionDecision(-1, false, 0, excluded, 0);
        }

        for (var k = 0; k < classCount; k++)
        {
            fused[k] /= weightSum;
        }

        var decision = Scores.ArgMax(fused);
        var (voting, agreeing) = Scores.Agreement(memberScores, default, classCount, weights, excluded, decision);

        return new FusionDecision(decision, Scores.HasTie(fused, decision), (double)agreeing / voting, excluded, voting);
    }
}
