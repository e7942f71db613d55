namespace Chorus.Audio;

/// <summary>A whole WAV file converted to 16 kHz mono float samples.</summary>
public sealed class DecodedAudio
{
    private readonly float[] _samples;

    internal DecodedAudio(float[] samples, WavSourceFormat source, long sourceFrameCount)
    {
        _samples = samples;
        Source = source;
        SourceFrameCount = sourceFrameCount;
    }

    /// <summary>The samples at <see cref="WavReader.OutputSampleRate"/>, mono, in [-1, 1].</summary>
    public ReadOnlyMemory<float> Samples => _samples;

    /// <summary>What the header said about the source.</summary>
    public WavSourceFormat Source { get; }

    /// <summary>Samples per channel actually read from the source (equals the declared count unless the file was streamed).</summary>
    public long SourceFrameCount { get; }

    /// <summary>Duration of the source: <see cref="SourceFrameCount"/> divided by the source sample rate.</summary>
    public TimeSpan Duration => WavReader.DurationOf(SourceFrameCount, Source.SampleRate);
}
