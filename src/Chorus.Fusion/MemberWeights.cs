using System.Globalization;

namespace Chorus.Fusion;

/// <summary>Validation shared by the strategies' constructors.</summary>
internal static class MemberWeights
{
    /// <summary>The most members a strategy takes: <see cref="FusionDecision.ExcludedMembers"/> has one bit per member.</summary>
    public const int MaxMembers = 64;

    public static void CheckMemberCount(int memberCount, string strategy)
    {
        if (memberCount is < 1 or > MaxMembers)
        {
            throw new FusionConfigurationException(
                $"{strategy}: an ensemble has 1 to {MaxMembers} members (one bit each in the excluded-members mask), got {memberCount}.");
        }
    }

    public static void CheckClassCount(int classCount, string strategy)
    {
        if (classCount < 1)
        {
            throw new FusionConfigurationException($"{strategy}: the ensemble needs at least one class, got {classCount}.");
        }
    }

    /// <summary>
    /// Returns a copy of the weights, or all ones when <paramref name="weights"/> is null. Rejects a wrong count,
    /// non-finite or negative weights, and weights that are all zero.
    /// </summary>
    public static double[] Validate(IReadOnlyList<double>? weights, int memberCount, string strategy)
    {
        var result = new double[memberCount];
        if (weights is null)
        {
            Array.Fill(result, 1.0);
            return result;
        }

        if (weights.Count != memberCount)
        {
            throw new FusionConfigurationException(
                $"{strategy}: {weights.Count} weights were given for {memberCount} members; give one weight per member, or none for equal weights.");
        }

        var anyPositive = false;
        for (var m = 0; m < memberCount; m++)
        {
            var w = weights[m];
            if (!double.IsFinite(w) || w < 0)
            {
                throw new FusionConfigurationException(
                    $"{strategy}: the weight of member {m} is {w.ToString(CultureInfo.InvariantCulture)}; weights must be finite and at least 0.");
            }

            anyPositive |= w > 0;
            result[m] = w;
        }

        if (!anyPositive)
        {
            throw new FusionConfigurationException(
                $"{strategy}: all {memberCount} weights are zero, so no member would count; give at least one member a positive weight.");
        }

        return result;
    }
}
