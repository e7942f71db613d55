using System.Diagnostics;

namespace Chorus.Server;

/// <summary>
/// A Prometheus histogram. Lock-free: each observation increments one bucket and adds to the sum with
/// <see cref="Interlocked"/>; buckets are stored non-cumulative and summed when exported. Values are observed in whole
/// raw units (stopwatch ticks, rows) so the sum stays an integer, and exported in the histogram's unit (seconds, rows).
/// </summary>
internal sealed class BucketHistogram
{
    private static readonly double[] s_secondsBounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] s_rowsBounds = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly double[] _bounds;
    private readonly double _unitsPerValue;
    private readonly long[] _buckets;
    private long _sumUnits;

    private BucketHistogram(double[] bounds, double unitsPerValue)
    {
        _bounds = bounds;
        _unitsPerValue = unitsPerValue;
        _buckets = new long[bounds.Length + 1];
    }

    /// <summary>Upper bounds in the histogram's unit; a last, implicit bucket is +Inf.</summary>
    public IReadOnlyList<double> Bounds => _bounds;

    /// <summary>Durations in seconds (0.5 ms to 10 s), observed as <see cref="Stopwatch"/> ticks or a <see cref="TimeSpan"/>.</summary>
    public static BucketHistogram Seconds() => new(s_secondsBounds, Stopwatch.Frequency);

    /// <summary>Rows (samples) per model execution, 1 to 256.</summary>
    public static BucketHistogram Rows() => new(s_rowsBounds, 1);

    /// <summary>Observes one value given in raw units (stopwatch ticks for <see cref="Seconds"/>, rows for <see cref="Rows"/>).</summary>
    public void Observe(long units)
    {
        var value = units / _unitsPerValue;
        var index = 0;
        while (index < _bounds.Length && value > _bounds[index])
        {
            index++;
        }

        Interlocked.Increment(ref _buckets[index]);
        Interlocked.Add(ref _sumUnits, units);
    }

    /// <summary>Observes a duration (for a <see cref="Seconds"/> histogram).</summary>
    public void Observe(TimeSpan elapsed) => Observe((long)(elapsed.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Cumulative counts per bound (the last is +Inf, which is the count), and the sum in the histogram's unit.</summary>
    public (long[] Cumulative, double Sum) Snapshot()
    {
        var cumulative = new long[_buckets.Length];
        long running = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            cumulative[i] = running;
        }

        return (cumulative, Interlocked.Read(ref _sumUnits) / _unitsPerValue);
    }
}
