namespace Chorus.Fusion;

/// <summary>
/// Weighted averaging of the members' values for regression: <c>Σ_{m∈F} w_m·x_m / Σ_{m∈F} w_m</c> over the set F of
/// members whose value is finite.
/// </summary>
/// <remarks>
/// With every value finite this is scikit-learn's <c>VotingRegressor</c> (<c>np.average(P, axis=1, weights=w)</c>), summed
/// in member order. Departures, on purpose: a NaN or infinite value leaves its member out of that sample (weights
/// renormalised over the rest, member reported) where scikit-learn lets the NaN through; weights are validated when the
/// strategy is built (finite, ≥ 0, not all zero) where scikit-learn raises <c>ZeroDivisionError</c> at predict time.
/// When no member with a positive weight is left the result is NaN. Allocation-free and safe to share between threads.
/// </remarks>
public sealed class WeightedAverage
{
    private readonly double[] _weights;

    /// <summary>Creates the strategy and validates its weights.</summary>
    /// <param name="memberCount">Members in the ensemble, 1 to 64.</param>
    /// <param name="weights">One finite weight ≥ 0 per member, not all zero; null for the plain mean.</param>
    /// <exception cref="FusionConfigurationException">The count or a weight is out of range.</exception>
    public WeightedAverage(int memberCount, IReadOnlyList<double>? weights = null)
    {
        MemberWeights.CheckMemberCount(memberCount, nameof(WeightedAverage));
        _weights = MemberWeights.Validate(weights, memberCount, nameof(WeightedAverage));
        MemberCount = memberCount;
    }

    /// <summary>Members in the ensemble.</summary>
    public int MemberCount { get; }

    /// <summary>The members' weights (all 1 when none were given).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>Fuses one sample.</summary>
    /// <param name="values">One value per member.</param>
    /// <param name="excludedMembers">One bit per member whose value was NaN or infinite (bit m = member m).</param>
    /// <returns>The weighted mean of the finite values, or NaN when no member with a positive weight is left.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold one value per member.</exception>
    public double Fuse(ReadOnlySpan<double> values, out ulong excludedMembers)
    {
        if (values.Length != MemberCount)
        {
            ThrowHelper.LengthMismatch(nameof(values), MemberCount, values.Length);
        }

        ulong excluded = 0;
        var sum = 0.0;
        var weightSum = 0.0;
        for (var m = 0; m < values.Length; m++)
        {
            var value = values[m];
            if (!double.IsFinite(value))
            {
                excluded |= 1UL << m;
                continue;
            }

            sum += _weights[m] * value;
            weightSum += _weights[m];
        }

        excludedMembers = excluded;
        return weightSum == 0 ? double.NaN : sum / weightSum;
    }

    /// <summary>Fuses one sample, without reporting which members were left out.</summary>
    /// <param name="values">One value per member.</param>
    /// <returns>The weighted mean of the finite values, or NaN when no member with a positive weight is left.</returns>
    public double Fuse(ReadOnlySpan<double> values)
    {
        return Fuse(values, out _);
    }
}
