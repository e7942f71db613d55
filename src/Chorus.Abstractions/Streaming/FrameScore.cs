namespace Chorus.Streaming;

/// <summary>The score of one frame of a stream: where the frame lies in the stream's audio and its speech probability.</summary>
/// <param name="StartSeconds">The frame's start, in seconds from the first sample pushed into the stream.</param>
/// <param name="DurationSeconds">The frame's length in seconds (its samples divided by the sample rate).</param>
/// <param name="Probability">The model's probability, in [0, 1], that the frame holds the event it detects (speech for a VAD).</param>
public readonly record struct FrameScore(double StartSeconds, double DurationSeconds, float Probability);
