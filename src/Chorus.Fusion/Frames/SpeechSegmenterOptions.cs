namespace Chorus.Fusion.Frames;

/// <summary>
/// Settings of a <see cref="SpeechSegmenter"/>; the defaults are silero-vad's <c>get_speech_timestamps</c> defaults.
/// Validated by the segmenter's constructor.
/// </summary>
public sealed class SpeechSegmenterOptions
{
    /// <summary>A frame with probability at least this turns speech on (default 0.5).</summary>
    public float Onset { get; init; } = 0.5f;

    /// <summary>
    /// A frame with probability below this turns speech off; in between the previous state is kept. Null (the
    /// default) means <c>max(Onset − 0.15, 0.01)</c>, as silero-vad's <c>neg_threshold</c>.
    /// </summary>
    public float? Offset { get; init; }

    /// <summary>Speech regions shorter than this (after gaps are bridged, before padding) are dropped (default 0.25 s).</summary>
    public double MinSpeechSeconds { get; init; } = 0.25;

    /// <summary>Silences shorter than this between two speech regions are bridged (default 0.1 s).</summary>
    public double MinSilenceSeconds { get; init; } = 0.1;

    /// <summary>Seconds added before and after each kept region, clamped to the stream (default 0.03 s).</summary>
    public double PadSeconds { get; init; } = 0.03;

    /// <summary>The offset in effect: <see cref="Offset"/>, or <c>max(Onset − 0.15, 0.01)</c> when it is null.</summary>
    public float EffectiveOffset => Offset ?? Math.Max(Onset - 0.15f, 0.01f);
}
