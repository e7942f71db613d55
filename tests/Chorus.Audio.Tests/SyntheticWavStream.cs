using System.Buffers.Binary;

namespace Chorus.Audio.Tests;

/// <summary>
/// A forward-only WAV stream, 48 kHz mono 16-bit, whose samples (a 1 kHz tone at amplitude 0.5) are made as they are read:
/// a long recording that never exists in memory or on disk.
/// </summary>
internal sealed class SyntheticWavStream : Stream
{
    public const int SampleRate = 48000;
    private readonly byte[] _header = new byte[44];
    private readonly byte[] _period = new byte[96];
    private readonly long _length;
    private long _position;

    public SyntheticWavStream(long frames)
    {
        var dataBytes = frames * 2;
        _length = 44 + dataBytes;
        "RIFF"u8.CopyTo(_header);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), (uint)(36 + dataBytes));
        "WAVEfmt "u8.CopyTo(_header.AsSpan(8));
        _header[16] = 16;                                  // fmt chunk size
        _header[20] = 1;                                   // PCM
        _header[22] = 1;                                   // mono
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(24), SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(28), SampleRate * 2);
        _header[32] = 2;                                   // block align
        _header[34] = 16;                                  // bits
        "data"u8.CopyTo(_header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(40), (uint)dataBytes);
        for (var n = 0; n < 48; n++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(_period.AsSpan(n * 2), (short)Math.Round(16384 * Math.Sin(2 * Math.PI * n / 48)));
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _length - _position);
        for (var i = 0; i < count; i++)
        {
            var at = _position + i;
            buffer[i] = at < 44 ? _header[at] : _period[(at - 44) % _period.Length];
        }

        _position += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
