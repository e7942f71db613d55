namespace Chorus.Cli.Conformance;

/// <summary>
/// A minimal protobuf wire-format reader over a span. Every error is an
/// <see cref="InvalidDataException"/> naming the message being read, what was malformed and the
/// absolute byte offset (relative to the start of the outermost buffer) where it happened.
/// </summary>
internal ref struct ProtoWireReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireStartGroup = 3;
    public const int WireEndGroup = 4;
    public const int WireFixed32 = 5;

    private const int MaxFieldNumber = (1 << 29) - 1;
    private const int MaxGroupDepth = 64;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private readonly string _messageName;
    private int _position;

    /// <param name="data">The bytes of one message.</param>
    /// <param name="baseOffset">Absolute offset of <paramref name="data"/>[0] in the outermost buffer.</param>
    /// <param name="messageName">Message type name used in error messages, e.g. <c>TensorProto</c>.</param>
    public ProtoWireReader(ReadOnlySpan<byte> data, int baseOffset, string messageName)
    {
        _data = data;
        _baseOffset = baseOffset;
        _messageName = messageName;
        _position = 0;
    }

    /// <summary>Absolute offset of the next unread byte.</summary>
    public readonly int Offset => _baseOffset + _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next tag, or returns false at the end of the message.</summary>
    public bool TryReadTag(out int fieldNumber, out int wireType)
    {
        if (AtEnd)
        {
            fieldNumber = 0;
            wireType = 0;
            return false;
        }

        var at = Offset;
        var tag = ReadVarint("field tag");
        var field = tag >> 3;
        wireType = (int)(tag & 7);
        if (field == 0 || field > MaxFieldNumber)
        {
            throw Malformed($"invalid field number {field} in tag 0x{tag:X}", at);
        }

        if (wireType > WireFixed32)
        {
            throw Malformed($"invalid wire type {wireType} for field {field}", at);
        }

        fieldNumber = (int)field;
        return true;
    }

    public ulong ReadVarint(string what)
    {
        var start = Offset;
        ulong result = 0;
        for (var i = 0; ; i++)
        {
            if (_position >= _data.Length)
            {
                throw Malformed($"truncated varint ({what}): input ends after {i} byte(s)", start);
            }

            var b = _data[_position++];
            if (i == 9 && b > 1)
            {
                throw Malformed($"varint ({what}) is longer than 64 bits", start);
            }

            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public uint ReadFixed32(string what)
    {
        var start = Offset;
        if (_data.Length - _position < 4)
        {
            throw Malformed($"truncated fixed32 ({what}): need 4 bytes, {_data.Length - _position} remain", start);
        }

        var value = (uint)_data[_position]
            | ((uint)_data[_position + 1] << 8)
            | ((uint)_data[_position + 2] << 16)
            | ((uint)_data[_position + 3] << 24);
        _position += 4;
        return value;
    }

    public ulong ReadFixed64(string what)
    {
        var low = ReadFixed32(what);
        var high = ReadFixed32(what);
        return low | ((ulong)high << 32);
    }

    /// <summary>Reads a length-delimited payload; <paramref name="payloadOffset"/> is its absolute start.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(string what, out int payloadOffset)
    {
        var start = Offset;
        var length = ReadVarint($"length of {what}");
        var remaining = _data.Length - _position;
        if (length > (ulong)remaining)
        {
            throw Malformed($"{what} declares {length} byte(s) but only {remaining} remain (truncated or corrupt input)", start);
        }

        payloadOffset = Offset;
        var payload = _data.Slice(_position, (int)length);
        _position += (int)length;
        return payload;
    }

    /// <summary>Throws unless <paramref name="wireType"/> is <paramref name="expected"/>.</summary>
    public readonly void ExpectWireType(int wireType, int expected, string fieldName, int tagOffset)
    {
        if (wireType != expected)
        {
            throw Malformed($"field {fieldName} has wire type {wireType}, expected {expected}", tagOffset);
        }
    }

    public string ReadString(int wireType, string fieldName, int tagOffset)
    {
        ExpectWireType(wireType, WireLengthDelimited, fieldName, tagOffset);
        return System.Text.Encoding.UTF8.GetString(ReadLengthDelimited(fieldName, out _));
    }

    /// <summary>Reads a singular varint field (int32/int64/uint64/enum/bool), checking the wire type.</summary>
    public ulong ReadVarintField(int wireType, string fieldName, int tagOffset)
    {
        ExpectWireType(wireType, WireVarint, fieldName, tagOffset);
        return ReadVarint(fieldName);
    }

    /// <summary>Reads one occurrence of a repeated varint field, packed (wire type 2) or not (wire type 0).</summary>
    public void ReadRepeatedVarint(int wireType, string fieldName, int tagOffset, List<ulong> values)
    {
        if (wireType == WireVarint)
        {
            values.Add(ReadVarint(fieldName));
            return;
        }

        if (wireType != WireLengthDelimited)
        {
            throw Malformed($"field {fieldName} has wire type {wireType}, expected 0 (varint) or 2 (packed)", tagOffset);
        }

        var payload = ReadLengthDelimited($"packed {fieldName}", out var payloadOffset);
        var inner = new ProtoWireReader(payload, payloadOffset, _messageName);
        while (!inner.AtEnd)
        {
            values.Add(inner.ReadVarint($"packed {fieldName} element"));
        }
    }

    /// <summary>Reads one occurrence of a repeated fixed32 field (float), packed or not.</summary>
    public void ReadRepeatedFixed32(int wireType, string fieldName, int tagOffset, List<ulong> values)
    {
        if (wireType == WireFixed32)
        {
            values.Add(ReadFixed32(fieldName));
            return;
        }

        if (wireType != WireLengthDelimited)
        {
            throw Malformed($"field {fieldName} has wire type {wireType}, expected 5 (fixed32) or 2 (packed)", tagOffset);
        }

        var payload = ReadLengthDelimited($"packed {fieldName}", out var payloadOffset);
        if (payload.Length % 4 != 0)
        {
            throw Malformed($"packed {fieldName} is {payload.Length} byte(s), not a multiple of 4", payloadOffset);
        }

        var inner = new ProtoWireReader(payload, payloadOffset, _messageName);
        values.EnsureCapacity(values.Count + (payload.Length / 4));
        while (!inner.AtEnd)
        {
            values.Add(inner.ReadFixed32(fieldName));
        }
    }

    /// <summary>Reads one occurrence of a repeated fixed64 field (double), packed or not.</summary>
    public void ReadRepeatedFixed64(int wireType, string fieldName, int tagOffset, List<ulong> values)
    {
        if (wireType == WireFixed64)
        {
            values.Add(ReadFixed64(fieldName));
            return;
        }

        if (wireType != WireLengthDelimited)
        {
            throw Malformed($"field {fieldName} has wire type {wireType}, expected 1 (fixed64) or 2 (packed)", tagOffset);
        }

        var payload = ReadLengthDelimited($"packed {fieldName}", out var payloadOffset);
        if (payload.Length % 8 != 0)
        {
            throw Malformed($"packed {fieldName} is {payload.Length} byte(s), not a multiple of 8", payloadOffset);
        }

        var inner = new ProtoWireReader(payload, payloadOffset, _messageName);
        values.EnsureCapacity(values.Count + (payload.Length / 8));
        while (!inner.AtEnd)
        {
            values.Add(inner.ReadFixed64(fieldName));
        }
    }

    /// <summary>Skips the payload of an unknown field according to its wire type.</summary>
    public void SkipField(int fieldNumber, int wireType, int tagOffset)
    {
        SkipField(fieldNumber, wireType, tagOffset, 0);
    }

    public readonly InvalidDataException Malformed(string what, int absoluteOffset) =>
        new($"Malformed {_messageName} at byte offset {absoluteOffset}: {what}.");

    private void SkipField(int fieldNumber, int wireType, int tagOffset, int depth)
    {
        switch (wireType)
        {
            case WireVarint:
                ReadVarint($"unknown field {fieldNumber}");
                break;
            case WireFixed64:
                ReadFixed64($"unknown field {fieldNumber}");
                break;
            case WireLengthDelimited:
                ReadLengthDelimited($"unknown field {fieldNumber}", out _);
                break;
            case WireFixed32:
                ReadFixed32($"unknown field {fieldNumber}");
                break;
            case WireStartGroup:
                if (depth >= MaxGroupDepth)
                {
                    throw Malformed($"groups nested deeper than {MaxGroupDepth} levels", tagOffset);
                }

                while (true)
                {
                    var innerTagOffset = Offset;
                    if (!TryReadTag(out var innerField, out var innerWire))
                    {
                        throw Malformed($"group for field {fieldNumber} is not terminated (truncated input)", tagOffset);
                    }

                    if (innerWire == WireEndGroup)
                    {
                        if (innerField != fieldNumber)
                        {
                            throw Malformed($"end-group tag for field {innerField} closes the group of field {fieldNumber}", innerTagOffset);
                        }

                        return;
                    }

                    SkipField(innerField, innerWire, innerTagOffset, depth + 1);
                }

            case WireEndGroup:
                throw Malformed($"unexpected end-group tag for field {fieldNumber}", tagOffset);
            default:
                throw Malformed($"invalid wire type {wireType} for field {fieldNumber}", tagOffset);
        }
    }
}
