namespace Chorus.Benchmarks;

/// <summary>The summary statistics the benchmarks report, computed the way the C harness computes them.</summary>
internal static class Statistics
{
    /// <summary>Nearest-rank percentile (as <c>ort_bench</c> computes it) of values in any order.</summary>
    public static double Percentile(ReadOnlySpan<double> values, double percent)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>The middle value (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }
}
