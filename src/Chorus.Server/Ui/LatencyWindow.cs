namespace Chorus.Server.Ui;

/// <summary>The last <c>capacity</c> latencies of one member, a fixed-size ring. Not thread-safe: the feed locks around it.</summary>
internal sealed class LatencyWindow
{
    private readonly double[] _values;
    private int _next;
    private int _count;

    public LatencyWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _values = new double[capacity];
    }

    public int Count => _count;

    public void Add(double value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
    }

    /// <summary>The values, oldest first.</summary>
    public double[] ToArray()
    {
        var result = new double[_count];
        var start = (_next - _count + _values.Length) % _values.Length;
        for (var i = 0; i < _count; i++)
        {
            result[i] = _values[(start + i) % _values.Length];
        }

        return result;
    }
}
