namespace Chorus.Fusion.Frames;

/// <summary>A stretch of speech.</summary>
/// <param name="StartSeconds">The padded start, at least 0.</param>
/// <param name="EndSeconds">The padded end, at most the stream's end.</param>
/// <param name="Confidence">The duration-weighted mean probability of the frames inside the segment before padding (bridged silences included).</param>
public readonly record struct SpeechSegment(double StartSeconds, double EndSeconds, float Confidence)
{
    /// <summary><see cref="EndSeconds"/> − <see cref="StartSeconds"/>.</summary>
    public double DurationSeconds => EndSeconds - StartSeconds;
}
