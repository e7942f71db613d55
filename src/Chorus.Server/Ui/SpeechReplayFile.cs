namespace Chorus.Server.Ui;

/// <summary>One file of a speech replay: the WAV, its condition from the index, and its labelled speech segments.</summary>
/// <param name="Name">The file name as the index gives it.</param>
/// <param name="Condition">The index's <c>condition</c> column (e.g. <c>clean</c>, <c>babble-10</c>).</param>
/// <param name="WavPath">The WAV's path.</param>
/// <param name="Speech">The labelled speech segments [start, end) in seconds, from <c>NAME.labels.txt</c>.</param>
internal sealed record SpeechReplayFile(string Name, string Condition, string WavPath, IReadOnlyList<(double Start, double End)> Speech)
{
    /// <summary>Whether <paramref name="seconds"/> lies in a labelled segment [start, end).</summary>
    public bool IsSpeech(double seconds) => Speech.Any(s => seconds >= s.Start && seconds < s.End);
}
