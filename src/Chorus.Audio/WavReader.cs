namespace Chorus.Audio;

/// <summary>
/// Reads RIFF/WAVE files (16/24-bit PCM or 32-bit float, mono or stereo, 8000/16000/22050/44100/48000 Hz) and returns
/// 16 kHz mono float samples in [-1, 1]. <see cref="Read(string)"/> decodes a whole file; <see cref="Open(string)"/>
/// streams it chunk by chunk in bounded memory. Every rejected input raises <see cref="AudioFormatException"/>.
/// </summary>
public static class WavReader
{
    /// <summary>The sample rate of every output: 16000 Hz.</summary>
    public const int OutputSampleRate = 16000;

    /// <summary>Decodes and resamples a whole WAV file.</summary>
    /// <exception cref="AudioFormatException">The file is empty, malformed or in a format that is not supported.</exception>
    public static DecodedAudio Read(string path)
    {
        using var reader = Open(path);
        return ReadAll(reader);
    }

    /// <summary>Decodes and resamples a whole WAV stream; the stream is left open.</summary>
    /// <param name="stream">The WAV bytes, positioned at the RIFF header. The caller keeps ownership.</param>
    /// <param name="sourceName">A name for error messages, such as the file name; defaults to a <see cref="FileStream"/>'s path.</param>
    /// <exception cref="AudioFormatException">The stream is empty, malformed or in a format that is not supported.</exception>
    public static DecodedAudio Read(Stream stream, string? sourceName = null)
    {
        using var reader = Open(stream, sourceName, leaveOpen: true);
        return ReadAll(reader);
    }

    /// <summary>Opens a WAV file for chunked reading. The returned reader owns the file; dispose it.</summary>
    /// <exception cref="AudioFormatException">The header is empty, malformed or names a format that is not supported.</exception>
    public static WavChunkReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, FileOptions.SequentialScan);
        return Open(stream, path, leaveOpen: false);
    }

    /// <summary>Opens a WAV stream for chunked reading; the header is read and validated now.</summary>
    /// <param name="stream">The WAV bytes, positioned at the RIFF header; need not be seekable.</param>
    /// <param name="sourceName">A name for error messages, such as the file name; defaults to a <see cref="FileStream"/>'s path.</param>
    /// <param name="leaveOpen">False (the default) to dispose <paramref name="stream"/> with the reader, or on a header error.</param>
    /// <exception cref="AudioFormatException">The header is empty, malformed or names a format that is not supported.</exception>
    public static WavChunkReader Open(Stream stream, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        sourceName ??= (stream as FileStream)?.Name;
        try
        {
            var header = WavHeaderParser.Parse(stream, sourceName);
            return new WavChunkReader(stream, header, sourceName, leaveOpen);
        }
        catch when (!leaveOpen)
        {
            stream.Dispose();
            throw;
        }
    }

    internal static TimeSpan DurationOf(long frames, int sampleRate)
        => TimeSpan.FromTicks((long)Math.Round(frames * (double)TimeSpan.TicksPerSecond / sampleRate));

    internal static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static DecodedAudio ReadAll(WavChunkReader reader)
    {
        var samples = new float[reader.OutputLength is { } length ? Math.Max(length, 1) : 1 << 16];
        var count = 0;
        Span<float> probe = stackalloc float[1];
        while (true)
        {
            if (count == samples.Length)
            {
                if (reader.Read(probe) == 0)
                {
                    break;
                }

                Array.Resize(ref samples, samples.Length * 2);
                samples[count++] = probe[0];
            }

            var read = reader.Read(samples.AsSpan(count));
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        if (count != samples.Length)
        {
            Array.Resize(ref samples, count);
        }

        return new DecodedAudio(samples, reader.Source, reader.SourceFramesRead);
    }
}
