using System.Buffers.Binary;

namespace Chorus.Audio;

/// <summary>
/// Reads a WAV stream as 16 kHz mono float samples, a caller-sized chunk at a time, in bounded memory: it holds one
/// block of source bytes and the resampler's filter history, never the whole data chunk. Create with
/// <see cref="WavReader.Open(string)"/> or <see cref="WavReader.Open(Stream, string?, bool)"/>. Not thread safe.
/// </summary>
public sealed class WavChunkReader : IDisposable
{
    private const int BlockFrames = 4096;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string? _sourceName;
    private readonly int _blockAlign;
    private readonly Resampler? _resampler;
    private readonly byte[] _raw;
    private readonly float[] _mono;
    private readonly float[] _pending;
    private long _dataBytesLeft;
    private int _pendingStart;
    private int _pendingCount;
    private bool _inputEnded;
    private bool _finished;
    private bool _disposed;

    internal WavChunkReader(Stream stream, WavHeader header, string? sourceName, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName;
        _blockAlign = header.BlockAlign;
        Source = header.Format;
        _dataBytesLeft = header.DataLength is { } length ? length - (length % _blockAlign) : long.MaxValue;
        _resampler = Source.SampleRate == WavReader.OutputSampleRate ? null : new Resampler(Source.SampleRate, WavReader.OutputSampleRate);
        _raw = new byte[BlockFrames * _blockAlign];
        _mono = new float[BlockFrames];
        _pending = new float[(BlockFrames * 2) + 16];
    }

    /// <summary>What the header said about the source.</summary>
    public WavSourceFormat Source { get; }

    /// <summary>Samples per channel read from the source so far.</summary>
    public long SourceFramesRead { get; private set; }

    /// <summary>
    /// The number of 16 kHz samples the whole source gives, ceil(frames × 16000 / rate), or null when the source
    /// is streamed and its length is known only at its end.
    /// </summary>
    public long? OutputLength => Source.FrameCount is { } frames
        ? (_resampler?.OutputCountFor(frames) ?? frames)
        : null;

    /// <summary>
    /// Fills <paramref name="destination"/> with the next 16 kHz mono samples in [-1, 1] and returns how many were
    /// written; fewer than its length only at the end of the audio, and 0 once the end is reached.
    /// </summary>
    /// <exception cref="AudioFormatException">The data ends before the size its header declares.</exception>
    public int Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var written = 0;
        while (written < destination.Length)
        {
            if (_pendingCount == 0)
            {
                FillPending();
                if (_pendingCount == 0)
                {
                    break;
                }
            }

            var count = Math.Min(_pendingCount, destination.Length - written);
            var source = _pending.AsSpan(_pendingStart, count);
            var target = destination.Slice(written, count);
            for (var i = 0; i < count; i++)
            {
                target[i] = Math.Clamp(source[i], -1f, 1f);
            }

            written += count;
            _pendingStart += count;
            _pendingCount -= count;
        }

        return written;
    }

    /// <summary>Closes the stream unless the reader was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void FillPending()
    {
        _pendingStart = 0;
        _pendingCount = 0;
        while (_pendingCount == 0 && !_finished)
        {
            if (_resampler is not null)
            {
                _pendingCount = _resampler.Process(ReadOnlySpan<float>.Empty, _pending);
                if (_pendingCount > 0)
                {
                    return;
                }
            }

            if (_inputEnded)
            {
                _finished = true;
                return;
            }

            var frames = ReadBlock();
            if (frames == 0)
            {
                _inputEnded = true;
                _resampler?.EndOfInput();
                continue;
            }

            if (_resampler is null)
            {
                _mono.AsSpan(0, frames).CopyTo(_pending);
                _pendingCount = frames;
            }
            else
            {
                _pendingCount = _resampler.Process(_mono.AsSpan(0, frames), _pending);
            }
        }
    }

    private int ReadBlock()
    {
        var wanted = (int)Math.Min(_raw.Length, _dataBytesLeft);
        var got = WavReader.ReadAtMost(_stream, _raw.AsSpan(0, wanted));
        var streamed = Source.IsStreamed;
        if (got < wanted && !streamed)
        {
            throw WavHeaderParser.Error(_sourceName, $"the data chunk declares {Source.FrameCount} sample frames but the file ends after {SourceFramesRead + (got / _blockAlign)}; it is truncated, export it again");
        }

        if (!streamed)
        {
            _dataBytesLeft -= got;
        }

        // A streamed file may end in a partial frame; it is dropped.
        var frames = got / _blockAlign;
        if (frames == 0 && SourceFramesRead == 0)
        {
            throw WavHeaderParser.Error(_sourceName, "the data chunk is empty (no whole sample frame); the file holds a header only, export the audio again");
        }

        Decode(_raw.AsSpan(0, frames * _blockAlign), _mono.AsSpan(0, frames));
        SourceFramesRead += frames;
        return frames;
    }

    private void Decode(ReadOnlySpan<byte> raw, Span<float> mono)
    {
        var channels = Source.Channels;
        var bytesPerSample = Source.BitsPerSample / 8;
        for (var frame = 0; frame < mono.Length; frame++)
        {
            var offset = frame * _blockAlign;
            var sum = 0f;
            for (var channel = 0; channel < channels; channel++)
            {
                var sample = raw.Slice(offset + (channel * bytesPerSample), bytesPerSample);
                sum += Source.BitsPerSample switch
                {
                    16 => BinaryPrimitives.ReadInt16LittleEndian(sample) / 32768f,
                    24 => (sample[0] | (sample[1] << 8) | ((sbyte)sample[2] << 16)) / 8388608f,
                    _ => ReadFloat(sample),
                };
            }

            mono[frame] = channels == 1 ? sum : sum * 0.5f;
        }
    }

    private static float ReadFloat(ReadOnlySpan<byte> sample)
    {
        var value = BinaryPrimitives.ReadSingleLittleEndian(sample);
        return float.IsNaN(value) ? 0f : Math.Clamp(value, -1f, 1f);
    }
}
