namespace Chorus.Server.Ui;

/// <summary>One chunk of a speech replay as the speech ensemble's stream answered it.</summary>
/// <param name="Source">The replay source's name.</param>
/// <param name="Ensemble">The speech ensemble id.</param>
/// <param name="FileIndex">The file's line in the index (0-based).</param>
/// <param name="File">The file name.</param>
/// <param name="Condition">The file's condition from the index.</param>
/// <param name="Chunk">The chunk's index in the file (0-based).</param>
/// <param name="StartSeconds">Where the chunk starts in the file.</param>
/// <param name="EndSeconds">Where it ends.</param>
/// <param name="FileSeconds">The file's length.</param>
/// <param name="Last">Whether it is the file's last chunk (the stream was completed after it).</param>
/// <param name="Threshold">The probability at which a frame counts as speech (the ensemble's <c>binarizeThreshold</c>).</param>
/// <param name="Frames">The fused grid frames this chunk completed.</param>
/// <param name="Members">Every member, in the ensemble's order.</param>
/// <param name="Error">Why the ensemble could not answer (every member failed, unreadable WAV); null when it did.</param>
/// <param name="Totals">The running counts, this chunk included.</param>
internal sealed record SpeechFeedSample(
    string Source,
    string Ensemble,
    int FileIndex,
    string File,
    string Condition,
    int Chunk,
    double StartSeconds,
    double EndSeconds,
    double FileSeconds,
    bool Last,
    double Threshold,
    IReadOnlyList<SpeechFeedFrame> Frames,
    IReadOnlyList<SpeechFeedMember> Members,
    string? Error,
    SpeechFeedTotals Totals)
{
    /// <summary>The mean fused probability over the chunk's frames; null without frames.</summary>
    public double? Probability => Frames.Count == 0 ? null : Frames.Average(f => f.Probability);

    /// <summary>"speech" when <see cref="Probability"/> reaches the threshold, else "non-speech"; null without frames.</summary>
    public string? Decision => Probability is { } p ? Label(p >= Threshold) : null;

    /// <summary>"speech" when at least half the chunk's frames are labelled speech; null without frames.</summary>
    public string? TrueLabel => Frames.Count == 0 ? null : Label(2 * Frames.Count(f => f.Truth) >= Frames.Count);

    /// <summary>Members still answering.</summary>
    public int Answering => Members.Count(m => m.Error is null && m.Probability is not null);

    /// <summary>Answering members whose own chunk probability falls on the same side of the threshold as the fused one.</summary>
    public int Agreeing => Decision is null
        ? 0
        : Members.Count(m => m.Error is null && m.Probability is { } p && Label(p >= Threshold) == Decision);

    public bool Degraded => Members.Any(m => m.Error is not null);

    public static string Label(bool speech) => speech ? "speech" : "non-speech";
}
