using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Chorus.Fusion;

/// <summary>
/// The few pieces of the protobuf wire format the ONNX export needs: varints, length-delimited fields (strings, bytes,
/// nested messages, packed repeated numbers) and 32-bit floats. Field order and defaults are the caller's business.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteString(int field, string value)
    {
        WriteBytes(field, Encoding.UTF8.GetBytes(value));
    }

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    public void WriteMessage(int field, ProtobufWriter message)
    {
        WriteBytes(field, message.ToArray());
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(sizeof(float)), value);
        _buffer.Advance(sizeof(float));
    }

    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtobufWriter();
        foreach (var value in values)
        {
            packed.WriteVarint(unchecked((ulong)value));
        }

        WriteBytes(field, packed.ToArray());
    }

    public byte[] ToArray()
    {
        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteTag(int field, int wireType)
    {
        WriteVarint((ulong)((field << 3) | wireType));
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}
