using System.Buffers.Binary;

namespace Chorus.Audio;

/// <summary>
/// Reads the RIFF/WAVE chunks up to the start of the data chunk and validates them, leaving the stream at the first
/// sample. Reads forward only (seeks only to skip chunks), so it works on pipes and network streams too.
/// </summary>
internal static class WavHeaderParser
{
    private const int MaxFmtChunkSize = 4096;
    private const string ToSixteenBit = "convert it with `sox in.wav -e signed-integer -b 16 out.wav`";
    private const string WithFfmpeg = "convert it with `ffmpeg -i in.wav -c:a pcm_s16le out.wav`";

    private static readonly int[] s_supportedRates = [8000, 16000, 22050, 44100, 48000];

    // The last 14 bytes of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000xxxx-0000-0010-8000-00AA00389B71}.
    private static ReadOnlySpan<byte> SubFormatSuffix => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static WavHeader Parse(Stream stream, string? sourceName)
    {
        long? fileLength = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> head = stackalloc byte[12];
        var got = WavReader.ReadAtMost(stream, head);
        if (got == 0)
        {
            throw Error(sourceName, "the file is empty (0 bytes); record or export the audio again as 16-bit PCM WAV");
        }

        CheckNotOtherContainer(head[..got], sourceName);
        if (got < 12 || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WAVE"u8))
        {
            throw Error(sourceName, $"not a RIFF/WAVE file (it starts with {Printable(head[..Math.Min(got, 4)])}); convert it with `sox in.ext -e signed-integer -b 16 out.wav`");
        }

        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        var riffStreamed = riffSize is 0 or uint.MaxValue;
        long end = fileLength ?? long.MaxValue;
        if (!riffStreamed)
        {
            if (riffSize < 4)
            {
                throw Error(sourceName, $"the RIFF size field says {riffSize} bytes, too small to hold the WAVE form; the header is corrupt, rewrite it with `sox in.wav out.wav`");
            }

            if (fileLength is { } length && riffSize + 8L > length)
            {
                throw Error(sourceName, $"the RIFF size field says the file has {riffSize + 8L} bytes but it has {length}; the file is truncated or its header is wrong; export it again, or rewrite it with `sox in.wav out.wav` if the audio is intact");
            }

            end = Math.Min(end, riffSize + 8L);
        }

        long position = 12;
        WavSourceFormat? format = null;
        var blockAlign = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            got = position + 8 > end ? 0 : WavReader.ReadAtMost(stream, chunkHeader);
            if (got == 0)
            {
                throw Error(sourceName, format is null
                    ? "the file has a RIFF/WAVE header but no fmt or data chunk (a header only, no audio); export the audio again"
                    : "the file has a fmt chunk but no data chunk (a header only, no audio); export the audio again");
            }

            if (got < 8)
            {
                throw Error(sourceName, $"the file ends inside a chunk header at byte {position}; it is truncated, export it again");
            }

            position += 8;
            var id = chunkHeader[..4];
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var remaining = end - position;
            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw Error(sourceName, "the data chunk comes before the fmt chunk, so the samples cannot be interpreted; rewrite the file with `sox in.wav out.wav`");
                }

                if (size == uint.MaxValue || (size == 0 && remaining > 0))
                {
                    // The "streamed" size of writers that cannot seek back: read to the end of the stream.
                    return new WavHeader(WithFrames(format, null), blockAlign, null);
                }

                if (size == 0 || size < blockAlign)
                {
                    throw Error(sourceName, $"the data chunk is empty ({size} bytes, no whole sample frame); the file holds a header only, export the audio again");
                }

                if (size > remaining)
                {
                    throw Error(sourceName, $"the data chunk declares {size} bytes but only {remaining} follow it; the file is truncated or its header is wrong; export it again, or rewrite it with `sox in.wav out.wav` if the audio is intact");
                }

                return new WavHeader(WithFrames(format, size / blockAlign), blockAlign, size);
            }

            if (size > remaining)
            {
                throw Error(sourceName, $"chunk {Printable(id)} declares {size} bytes but only {remaining} remain; the file is truncated or its header is wrong; export it again");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                if (size is < 16 or > MaxFmtChunkSize)
                {
                    throw Error(sourceName, $"the fmt chunk has {size} bytes (expected 16 to {MaxFmtChunkSize}); the header is corrupt, rewrite it with `sox in.wav out.wav`");
                }

                var fmt = new byte[size];
                if (WavReader.ReadAtMost(stream, fmt) < fmt.Length)
                {
                    throw Error(sourceName, "the file ends inside the fmt chunk; it is truncated, export it again");
                }

                (format, blockAlign) = ParseFormat(fmt, sourceName);
            }
            else
            {
                Skip(stream, size, sourceName);
            }

            position += size;

            // RIFF chunks are word aligned: an odd-sized chunk is followed by one pad byte.
            if ((size & 1) != 0 && position < end)
            {
                Skip(stream, 1, sourceName);
                position++;
            }
        }
    }

    private static (WavSourceFormat Format, int BlockAlign) ParseFormat(ReadOnlySpan<byte> fmt, string? sourceName)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        var extensible = tag == 0xFFFE;
        if (extensible)
        {
            if (fmt.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < 22)
            {
                throw Error(sourceName, $"the fmt chunk says WAVE_FORMAT_EXTENSIBLE but has {fmt.Length} bytes, too few for the extension (40); the header is corrupt, rewrite it with `sox in.wav out.wav`");
            }

            if (!fmt[26..40].SequenceEqual(SubFormatSuffix))
            {
                throw Error(sourceName, $"WAVE_FORMAT_EXTENSIBLE with sub-format {new Guid(fmt[24..40])} is not supported; {WithFfmpeg}");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        var encoding = tag switch
        {
            1 => WavSampleEncoding.PcmInteger,
            3 => WavSampleEncoding.IeeeFloat,
            _ => throw Error(sourceName, CompressedMessage(tag)),
        };

        if (encoding == WavSampleEncoding.PcmInteger && bits == 8)
        {
            throw Error(sourceName, "8-bit PCM is not supported; convert with `sox in.wav -b 16 out.wav`");
        }

        if (encoding == WavSampleEncoding.PcmInteger && bits is not (16 or 24))
        {
            throw Error(sourceName, $"{bits}-bit integer PCM is not supported (16 or 24 bits are); convert with `sox in.wav -b 16 out.wav`");
        }

        if (encoding == WavSampleEncoding.IeeeFloat && bits != 32)
        {
            throw Error(sourceName, $"{bits}-bit float is not supported (32-bit float is); convert with `sox in.wav -e floating-point -b 32 out.wav`");
        }

        if (channels is 0 or > 2)
        {
            throw Error(sourceName, $"the audio has {channels} channels; only mono and stereo are supported; mix it down with `sox in.wav -c 1 out.wav`");
        }

        if (Array.IndexOf(s_supportedRates, (int)Math.Min(rate, int.MaxValue)) < 0)
        {
            throw Error(sourceName, $"sample rate {rate} Hz is not supported (8000, 16000, 22050, 44100 or 48000 Hz are); resample with `sox in.wav -r 16000 out.wav`");
        }

        var expectedAlign = channels * bits / 8;
        if (blockAlign != expectedAlign)
        {
            throw Error(sourceName, $"the fmt chunk's block align is {blockAlign} but {channels} channel(s) of {bits}-bit samples need {expectedAlign}; the header is corrupt, rewrite it with `sox in.wav out.wav`");
        }

        return (new WavSourceFormat((int)rate, channels, bits, encoding, extensible, null), blockAlign);
    }

    private static string CompressedMessage(int tag)
    {
        var (name, fix) = tag switch
        {
            0x0002 => ("Microsoft ADPCM", ToSixteenBit),
            0x0006 => ("A-law", ToSixteenBit),
            0x0007 => ("μ-law", ToSixteenBit),
            0x0011 => ("IMA ADPCM", ToSixteenBit),
            0x0031 => ("GSM 6.10", ToSixteenBit),
            0x0050 => ("MPEG audio", WithFfmpeg),
            0x0055 => ("MP3", WithFfmpeg),
            0x00FF or 0x1610 => ("AAC", WithFfmpeg),
            0x0160 or 0x0161 or 0x0162 => ("Windows Media Audio", WithFfmpeg),
            0x2000 => ("AC-3", WithFfmpeg),
            0xF1AC => ("FLAC", WithFfmpeg),
            _ => ("unknown", WithFfmpeg),
        };
        return $"format tag 0x{tag:X4} ({name}) is compressed or not PCM and is not supported (only 16/24-bit PCM and 32-bit float are); {fix}";
    }

    private static void CheckNotOtherContainer(ReadOnlySpan<byte> head, string? sourceName)
    {
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            throw Error(sourceName, "this is an MP3 file (ID3 tag or MPEG frame sync), not a WAV file; convert it with `ffmpeg -i in.mp3 -ac 1 -ar 16000 -c:a pcm_s16le out.wav`");
        }

        if (head.StartsWith("OggS"u8) || head.StartsWith("fLaC"u8))
        {
            throw Error(sourceName, "this is an Ogg or FLAC file, not a WAV file; convert it with `sox in.ext -e signed-integer -b 16 out.wav`");
        }

        if (head.StartsWith("RF64"u8))
        {
            throw Error(sourceName, "RF64 (64-bit RIFF) files are not supported; split or convert the file with `sox in.wav -e signed-integer -b 16 out.wav`");
        }
    }

    private static WavSourceFormat WithFrames(WavSourceFormat format, long? frames)
        => new(format.SampleRate, format.Channels, format.BitsPerSample, format.Encoding, format.IsExtensible, frames);

    private static void Skip(Stream stream, long count, string? sourceName)
    {
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (count > 0)
        {
            var read = stream.Read(scratch[..(int)Math.Min(count, scratch.Length)]);
            if (read == 0)
            {
                throw Error(sourceName, "the file ends inside a chunk; it is truncated, export it again");
            }

            count -= read;
        }
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        }

        return $"'{new string(chars)}'";
    }

    internal static AudioFormatException Error(string? sourceName, string problem)
        => new($"{(sourceName is null ? "WAV stream" : $"WAV file '{sourceName}'")}: {problem}", sourceName);
}
