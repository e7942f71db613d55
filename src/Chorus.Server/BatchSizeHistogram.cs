namespace Chorus.Server;

/// <summary>
/// A Prometheus histogram of batch sizes (rows per model execution). Lock-free like <see cref="LatencyHistogram"/>: buckets
/// are stored non-cumulative and summed when exported.
/// </summary>
internal sealed class BatchSizeHistogram
{
    /// <summary>Upper bounds in rows; a last, implicit bucket is +Inf.</summary>
    public static readonly int[] Bounds = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly long[] _buckets = new long[Bounds.Length + 1];
    private long _sum;

    public void Observe(int rows)
    {
        var index = Array.FindIndex(Bounds, bound => rows <= bound);
        Interlocked.Increment(ref _buckets[index < 0 ? Bounds.Length : index]);
        Interlocked.Add(ref _sum, rows);
    }

    /// <summary>Cumulative counts per bound (the last is +Inf, which is the count), and the sum of rows.</summary>
    public (long[] Cumulative, long Sum) Snapshot()
    {
        var cumulative = new long[_buckets.Length];
        long running = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            cumulative[i] = running;
        }

        return (cumulative, Interlocked.Read(ref _sum));
    }
}
