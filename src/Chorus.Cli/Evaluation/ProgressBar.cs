namespace Chorus.Cli.Evaluation;

/// <summary>A one-line progress bar on standard error, drawn only when standard error is a terminal.</summary>
internal sealed class ProgressBar : IProgress<int>
{
    private readonly int _total;
    private readonly string _label;
    private readonly bool _enabled;
    private int _lastDrawn = -1;

    public ProgressBar(int total, string label)
    {
        _total = Math.Max(1, total);
        _label = label;
        _enabled = !Console.IsErrorRedirected;
    }

    public void Report(int value)
    {
        if (!_enabled)
        {
            return;
        }

        var filled = (int)(30L * Math.Min(value, _total) / _total);
        if (filled == _lastDrawn && value < _total)
        {
            return;
        }

        _lastDrawn = filled;
        Console.Error.Write($"\r{_label} [{new string('#', filled)}{new string(' ', 30 - filled)}] {value}/{_total}");
        if (value >= _total)
        {
            Console.Error.Write('\r' + new string(' ', _label.Length + 50) + '\r');
        }
    }
}
