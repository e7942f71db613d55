using System.Diagnostics;

namespace Chorus.Server;

/// <summary>
/// A Prometheus histogram of durations in seconds. Lock-free: each observation increments one bucket and adds to the sum
/// with <see cref="Interlocked"/>; buckets are stored non-cumulative and summed when exported.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds (0.5 ms to 10 s); a last, implicit bucket is +Inf.</summary>
    public static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _buckets = new long[Bounds.Length + 1];
    private long _sumTicks;

    public void Observe(long elapsedTicks)
    {
        var seconds = (double)elapsedTicks / Stopwatch.Frequency;
        var index = Array.FindIndex(Bounds, bound => seconds <= bound);
        Interlocked.Increment(ref _buckets[index < 0 ? Bounds.Length : index]);
        Interlocked.Add(ref _sumTicks, elapsedTicks);
    }

    public void Observe(TimeSpan elapsed) => Observe((long)(elapsed.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Cumulative counts per bound (the last is +Inf, which is the count), and the sum in seconds.</summary>
    public (long[] Cumulative, double SumSeconds) Snapshot()
    {
        var cumulative = new long[_buckets.Length];
        long running = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            cumulative[i] = running;
        }

        return (cumulative, (double)Interlocked.Read(ref _sumTicks) / Stopwatch.Frequency);
    }
}
