namespace Chorus.Fusion;

/// <summary>
/// Hard (majority) voting: each member votes for its own top class, votes are weighted, and the class with the most
/// weight wins. Rule for one sample, over the members whose row is all finite (set F), with <c>v_m</c> = the first
/// maximum of member m's row: <c>count[k] = Σ_{m∈F, v_m=k} w_m</c>, <c>fused[k] = count[k] / Σ_{m∈F} w_m</c> (the vote
/// share), decision = the first maximum of <c>count</c> (ties go to the lowest class index).
/// </summary>
/// <remarks>
/// <para>
/// This is scikit-learn's <c>VotingClassifier(voting='hard')</c> (<c>np.argmax(np.bincount(votes, weights=w))</c>), whose
/// documented tie rule is the ascending sort order of the labels; with the ensemble's labels in ascending order the
/// lowest class index is the same class. Votes are added in member order, as <c>bincount</c> adds them, so exact ties
/// are the same ties.
/// </para>
/// <para>
/// Departures from scikit-learn, on purpose: a member whose row holds a NaN or an infinity abstains and is reported in
/// <see cref="FusionDecision.ExcludedMembers"/>. Weights must be finite, at least 0 and not all zero: scikit-learn
/// accepts all-zero weights and then returns class 0 for every sample even when no member voted for it, and counts
/// negative weights as negative votes. The fused scores (vote shares) are an addition: scikit-learn's hard voting has no
/// <c>predict_proba</c>. When no member with a positive weight votes there is no decision (class -1, fused scores NaN).
/// </para>
/// <para>Allocation-free and safe to share between threads.</para>
/// </remarks>
public sealed class HardVoting
{
    private readonly double[] _weights;

    /// <summary>Creates the strategy and validates its weights.</summary>
    /// <param name="memberCount">Members in the ensemble, 1 to 64.</param>
    /// <param name="classCount">Classes in the ensemble's label order, at least 1.</param>
    /// <param name="weights">One finite weight ≥ 0 per member, not all zero; null for one vote each.</param>
    /// <exception cref="FusionConfigurationException">A count or a weight is out of range.</exception>
    public HardVoting(int memberCount, int classCount, IReadOnlyList<double>? weights = null)
    {
        MemberWeights.CheckMemberCount(memberCount, nameof(HardVoting));
        MemberWeights.CheckClassCount(classCount, nameof(HardVoting));
        _weights = MemberWeights.Validate(weights, memberCount, nameof(HardVoting));
        MemberCount = memberCount;
        ClassCount = classCount;
    }

    /// <summary>Members in the ensemble.</summary>
    public int MemberCount { get; }

    /// <summary>Classes in the ensemble's label order.</summary>
    public int ClassCount { get; }

    /// <summary>The members' weights (all 1 when none were given).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Fuses one sample from the members' scores: each member votes for the first maximum of its row.</summary>
    /// <param name="memberScores">
    /// <see cref="MemberCount"/> × <see cref="ClassCount"/> scores, row-major, each row in the ensemble's label order.
    /// </param>
    /// <param name="fused">Receives the <see cref="ClassCount"/> vote shares (NaN when there is no decision).</param>
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

        ulong excluded = 0;
        for (var m = 0; m < MemberCount; m++)
        {
            var row = memberScores.Slice(m * classCount, classCount);
            if (!Scores.AllFinite(row))
            {
                excluded |= 1UL << m;
            }
        }

        // Count in a second pass so the member's vote need not be stored.
        fused = fused[..classCount];
        fused.Clear();
        var weightSum = 0.0;
        for (var m = 0; m < MemberCount; m++)
        {
            if ((excluded & (1UL << m)) != 0)
            {
                continue;
            }

            var w = _weights[m];
            fused[Scores.ArgMax(memberScores.Slice(m * classCount, classCount))] += w;
            weightSum += w;
        }

        return Decide(fused, weightSum, excluded, memberScores, default);
    }

    /// <summary>
    /// Fuses one sample from the members' votes (class indices in the ensemble's label order) for members that give a
    /// label rather than scores. A vote of -1 means the member abstains; it is reported as excluded.
    /// </summary>
    /// <param name="votes"><see cref="MemberCount"/> votes, each -1 or 0 to <see cref="ClassCount"/> - 1.</param>
    /// <param name="fused">Receives the <see cref="ClassCount"/> vote shares (NaN when there is no decision).</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A vote is neither -1 nor a class index.</exception>
    public FusionDecision FuseVotes(ReadOnlySpan<int> votes, Span<double> fused)
    {
        var classCount = ClassCount;
        if (votes.Length != MemberCount)
        {
            ThrowHelper.LengthMismatch(nameof(votes), MemberCount, votes.Length);
        }

        if (fused.Length < classCount)
        {
            ThrowHelper.TooShort(nameof(fused), classCount, fused.Length);
        }

        fused = fused[..classCount];
        fused.Clear();
        ulong excluded = 0;
        var weightSum = 0.0;
        for (var m = 0; m < votes.Length; m++)
        {
            var vote = votes[m];
            if (vote == -1)
            {
                excluded |= 1UL << m;
                continue;
            }

            if ((uint)vote >= (uint)classCount)
            {
                ThrowHelper.VoteOutOfRange(nameof(votes), m, vote, classCount);
            }

            fused[vote] += _weights[m];
            weightSum += _weights[m];
        }

        return Decide(fused, weightSum, excluded, default, votes);
    }

    private FusionDecision Decide(Span<double> counts, double weightSum, ulong excluded, ReadOnlySpan<double> memberScores, ReadOnlySpan<int> votes)
    {
        if (weightSum == 0)
        {
            counts.Fill(double.NaN);
            return new FusionDecision(-1, false, 0, excluded, 0);
        }

        var decision = Scores.ArgMax(counts);
        var isTie = Scores.HasTie(counts, decision);
        var (voting, agreeing) = Scores.Agreement(memberScores, votes, ClassCount, _weights, excluded, decision);

        for (var k = 0; k < counts.Length; k++)
        {
            counts[k] /= weightSum;
        }

        return new FusionDecision(decision, isTie, (double)agreeing / voting, excluded, voting);
    }
}
