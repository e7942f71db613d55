namespace Chorus.Audio;

/// <summary>What a WAV header says about the audio before it is converted to 16 kHz mono.</summary>
public sealed class WavSourceFormat
{
    internal WavSourceFormat(int sampleRate, int channels, int bitsPerSample, WavSampleEncoding encoding, bool isExtensible, long? frameCount)
    {
        SampleRate = sampleRate;
        Channels = channels;
        BitsPerSample = bitsPerSample;
        Encoding = encoding;
        IsExtensible = isExtensible;
        FrameCount = frameCount;
    }

    /// <summary>The source sample rate in hertz: 8000, 16000, 22050, 44100 or 48000.</summary>
    public int SampleRate { get; }

    /// <summary>1 (mono) or 2 (stereo; mixed to mono by averaging).</summary>
    public int Channels { get; }

    /// <summary>16 or 24 for <see cref="WavSampleEncoding.PcmInteger"/>, 32 for <see cref="WavSampleEncoding.IeeeFloat"/>.</summary>
    public int BitsPerSample { get; }

    /// <summary>How the samples are stored.</summary>
    public WavSampleEncoding Encoding { get; }

    /// <summary>True when the header is WAVE_FORMAT_EXTENSIBLE (format tag 0xFFFE) with a PCM or float sub-format.</summary>
    public bool IsExtensible { get; }

    /// <summary>
    /// Samples per channel that the data chunk declares, or null when the data size is the "streamed" value
    /// (0 or 0xFFFFFFFF, as written by tools that cannot seek back) and the data runs to the end of the file.
    /// </summary>
    public long? FrameCount { get; }

    /// <summary>True when the data chunk size was the "streamed" value and the data is read to the end of the file.</summary>
    public bool IsStreamed => FrameCount is null;

    /// <summary>The declared duration, or null when <see cref="IsStreamed"/>.</summary>
    public TimeSpan? Duration => FrameCount is { } frames ? WavReader.DurationOf(frames, SampleRate) : null;
}
