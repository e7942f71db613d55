using System.Diagnostics.CodeAnalysis;

namespace Chorus.Fusion;

/// <summary>Throws for the per-sample hot paths, so the callers stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void LengthMismatch(string parameterName, int expected, int actual)
    {
        throw new ArgumentException($"Expected {expected} values, got {actual}.", parameterName);
    }

    [DoesNotReturn]
    public static void TooShort(string parameterName, int required, int actual)
    {
        throw new ArgumentException($"The destination needs room for {required} values, it has {actual}.", parameterName);
    }

    [DoesNotReturn]
    public static void VoteOutOfRange(string parameterName, int member, int vote, int classCount)
    {
        throw new ArgumentOutOfRangeException(parameterName, vote, $"Member {member} voted for class {vote}; a vote is -1 (abstain) or 0 to {classCount - 1}.");
    }

    [DoesNotReturn]
    public static void NotMemberRows(int featureCount, int classCount)
    {
        throw new InvalidOperationException(
            $"The stacking model's {featureCount} features are not member rows of {classCount} class scores (at most {MemberWeights.MaxMembers} members), so it cannot fuse member scores; use Predict.");
    }
}
