using System.Globalization;
using System.Numerics;

namespace Chorus.Fusion;

/// <summary>
/// The outcome of fusing one sample with <see cref="SoftVoting"/> or <see cref="HardVoting"/>: the winning class, whether
/// it won a tie, how many members agreed with it, and which members were left out because their scores were not finite.
/// </summary>
/// <remarks>
/// Members are numbered 0 to 63: a strategy takes at most 64 members (checked when it is constructed), one bit each in
/// <see cref="ExcludedMembers"/>.
/// </remarks>
public readonly struct FusionDecision : IEquatable<FusionDecision>
{
    internal FusionDecision(int classIndex, bool isTie, double agreement, ulong excludedMembers, int votingMembers)
    {
        ClassIndex = classIndex;
        IsTie = isTie;
        Agreement = agreement;
        ExcludedMembers = excludedMembers;
        VotingMembers = votingMembers;
    }

    /// <summary>
    /// The index of the winning class in the ensemble's label order, or -1 when there is no decision (every member was
    /// excluded, or the members left all have weight 0).
    /// </summary>
    public int ClassIndex { get; }

    /// <summary>Whether <see cref="ClassIndex"/> is a class (false when every member was excluded).</summary>
    public bool HasDecision => ClassIndex >= 0;

    /// <summary>
    /// Whether another class had exactly the same fused score (soft voting) or vote total (hard voting) as the winner;
    /// the winner is then the lowest class index among the tied classes.
    /// </summary>
    public bool IsTie { get; }

    /// <summary>
    /// The fraction of voting members (finite scores and a weight above 0) whose own top class (first maximum of their
    /// row) is <see cref="ClassIndex"/>; 0 when there is no decision.
    /// </summary>
    public double Agreement { get; }

    /// <summary>
    /// One bit per member (bit <c>m</c> = member <c>m</c>) for members left out of this sample because a score in their
    /// row was NaN or infinite (or, for <see cref="HardVoting.FuseVotes"/>, because they abstained).
    /// </summary>
    public ulong ExcludedMembers { get; }

    /// <summary>How many members were excluded from this sample.</summary>
    public int ExcludedCount => BitOperations.PopCount(ExcludedMembers);

    /// <summary>How many members voted: not excluded and with a weight above 0.</summary>
    public int VotingMembers { get; }

    /// <summary>Whether member <paramref name="member"/> (0 to 63) was excluded from this sample.</summary>
    public bool IsExcluded(int member)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(member, MemberWeights.MaxMembers - 1);
        return (ExcludedMembers & (1UL << member)) != 0;
    }

    /// <inheritdoc />
    public bool Equals(FusionDecision other)
    {
        return ClassIndex == other.ClassIndex
            && IsTie == other.IsTie
            && Agreement.Equals(other.Agreement)
            && ExcludedMembers == other.ExcludedMembers
            && VotingMembers == other.VotingMembers;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj)
    {
        return obj is FusionDecision other && Equals(other);
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        return HashCode.Combine(ClassIndex, IsTie, Agreement, ExcludedMembers, VotingMembers);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        return HasDecision
            ? string.Create(CultureInfo.InvariantCulture, $"class {ClassIndex}{(IsTie ? " (tie)" : string.Empty)}, agreement {Agreement:0.###}, {VotingMembers} voting, {ExcludedCount} excluded")
            : string.Create(CultureInfo.InvariantCulture, $"no decision, {ExcludedCount} excluded");
    }

    /// <summary>Whether two decisions are equal in every field.</summary>
    public static bool operator ==(FusionDecision left, FusionDecision right)
    {
        return left.Equals(right);
    }

    /// <summary>Whether two decisions differ in any field.</summary>
    public static bool operator !=(FusionDecision left, FusionDecision right)
    {
        return !left.Equals(right);
    }
}
