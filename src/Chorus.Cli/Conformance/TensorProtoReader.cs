namespace Chorus.Cli.Conformance;

/// <summary>
/// Reads ONNX <c>TensorProto</c>, <c>SequenceProto</c> and <c>OptionalProto</c> messages (as found in the
/// <c>input_N.pb</c> / <c>output_N.pb</c> files of the ONNX backend test data) with a hand-written
/// protobuf wire-format decoder. Field numbers follow <c>onnx.proto</c> / <c>onnx-data.proto</c>.
/// All malformed or unsupported input is reported as <see cref="InvalidDataException"/>.
/// </summary>
internal static class TensorProtoReader
{
    public const int DataTypeUndefined = 0;
    public const int DataTypeFloat = 1;
    public const int DataTypeUInt8 = 2;
    public const int DataTypeInt8 = 3;
    public const int DataTypeUInt16 = 4;
    public const int DataTypeInt16 = 5;
    public const int DataTypeInt32 = 6;
    public const int DataTypeInt64 = 7;
    public const int DataTypeString = 8;
    public const int DataTypeBool = 9;
    public const int DataTypeFloat16 = 10;
    public const int DataTypeDouble = 11;
    public const int DataTypeUInt32 = 12;
    public const int DataTypeUInt64 = 13;
    public const int DataTypeComplex64 = 14;
    public const int DataTypeComplex128 = 15;
    public const int DataTypeBFloat16 = 16;
    public const int DataTypeFloat8E4M3FN = 17;
    public const int DataTypeFloat8E4M3FNUZ = 18;
    public const int DataTypeFloat8E5M2 = 19;
    public const int DataTypeFloat8E5M2FNUZ = 20;

    // TensorProto field numbers (onnx.proto).
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorSegment = 3;
    private const int TensorFloatData = 4;
    private const int TensorInt32Data = 5;
    private const int TensorStringData = 6;
    private const int TensorInt64Data = 7;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int TensorDoubleData = 10;
    private const int TensorUInt64Data = 11;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;

    // SequenceProto / OptionalProto field numbers (onnx-data.proto); both messages share the layout.
    private const int ValueName = 1;
    private const int ValueElemType = 2;
    private const int ValueTensor = 3;
    private const int ValueSparseTensor = 4;
    private const int ValueSequence = 5;
    private const int ValueMap = 6;
    private const int ValueOptional = 7;

    private const int MaxNestingDepth = 32;

    /// <summary>Size in bytes of one element of <paramref name="dataType"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">STRING, UNDEFINED or an unknown type.</exception>
    public static int ElementSize(int dataType)
    {
        if (!TryGetElementSize(dataType, out var size))
        {
            throw new ArgumentOutOfRangeException(nameof(dataType), dataType,
                $"TensorProto data type {DataTypeName(dataType)} has no fixed element size.");
        }

        return size;
    }

    /// <summary>Like <see cref="ElementSize"/> but returns false for STRING, UNDEFINED and unknown types.</summary>
    public static bool TryGetElementSize(int dataType, out int size)
    {
        size = dataType switch
        {
            DataTypeFloat => 4,
            DataTypeUInt8 => 1,
            DataTypeInt8 => 1,
            DataTypeUInt16 => 2,
            DataTypeInt16 => 2,
            DataTypeInt32 => 4,
            DataTypeInt64 => 8,
            DataTypeBool => 1,
            DataTypeFloat16 => 2,
            DataTypeDouble => 8,
            DataTypeUInt32 => 4,
            DataTypeUInt64 => 8,
            DataTypeComplex64 => 8,
            DataTypeComplex128 => 16,
            DataTypeBFloat16 => 2,
            DataTypeFloat8E4M3FN or DataTypeFloat8E4M3FNUZ or DataTypeFloat8E5M2 or DataTypeFloat8E5M2FNUZ => 1,
            _ => 0,
        };
        return size != 0;
    }

    /// <summary>The ONNX name of a data type number, e.g. <c>FLOAT</c>; <c>unknown(N)</c> otherwise.</summary>
    public static string DataTypeName(int dataType) => dataType switch
    {
        DataTypeUndefined => "UNDEFINED",
        DataTypeFloat => "FLOAT",
        DataTypeUInt8 => "UINT8",
        DataTypeInt8 => "INT8",
        DataTypeUInt16 => "UINT16",
        DataTypeInt16 => "INT16",
        DataTypeInt32 => "INT32",
        DataTypeInt64 => "INT64",
        DataTypeString => "STRING",
        DataTypeBool => "BOOL",
        DataTypeFloat16 => "FLOAT16",
        DataTypeDouble => "DOUBLE",
        DataTypeUInt32 => "UINT32",
        DataTypeUInt64 => "UINT64",
        DataTypeComplex64 => "COMPLEX64",
        DataTypeComplex128 => "COMPLEX128",
        DataTypeBFloat16 => "BFLOAT16",
        DataTypeFloat8E4M3FN => "FLOAT8E4M3FN",
        DataTypeFloat8E4M3FNUZ => "FLOAT8E4M3FNUZ",
        DataTypeFloat8E5M2 => "FLOAT8E5M2",
        DataTypeFloat8E5M2FNUZ => "FLOAT8E5M2FNUZ",
        _ => $"unknown({dataType})",
    };

    /// <summary>Parses a serialized <c>TensorProto</c>.</summary>
    public static TensorProtoData ParseTensor(ReadOnlySpan<byte> bytes) => ParseTensorCore(bytes, 0);

    /// <summary>Parses a serialized <c>SequenceProto</c>; the result has <see cref="ValueProtoKind.Sequence"/>.</summary>
    public static ValueProtoData ParseSequence(ReadOnlySpan<byte> bytes) => ParseSequenceCore(bytes, 0, 0);

    /// <summary>
    /// Parses a serialized <c>OptionalProto</c>; the result is <see cref="ValueProtoKind.OptionalEmpty"/>
    /// or <see cref="ValueProtoKind.OptionalWithValue"/>.
    /// </summary>
    public static ValueProtoData ParseOptional(ReadOnlySpan<byte> bytes) => ParseOptionalCore(bytes, 0, 0);

    /// <summary>Reads and parses a <c>.pb</c> file holding a <c>TensorProto</c>; errors name the file.</summary>
    public static TensorProtoData ReadTensorFile(string path) => ReadFile(path, static b => ParseTensor(b));

    /// <summary>Reads and parses a <c>.pb</c> file holding a <c>SequenceProto</c>; errors name the file.</summary>
    public static ValueProtoData ReadSequenceFile(string path) => ReadFile(path, static b => ParseSequence(b));

    /// <summary>Reads and parses a <c>.pb</c> file holding an <c>OptionalProto</c>; errors name the file.</summary>
    public static ValueProtoData ReadOptionalFile(string path) => ReadFile(path, static b => ParseOptional(b));

    private static T ReadFile<T>(string path, Func<byte[], T> parse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        try
        {
            return parse(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    private static TensorProtoData ParseTensorCore(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var reader = new ProtoWireReader(bytes, baseOffset, "TensorProto");
        var dims = new List<ulong>();
        var dataType = DataTypeUndefined;
        var hasDataType = false;
        var name = string.Empty;
        var hasRawData = false;
        ReadOnlySpan<byte> rawData = default;
        var floatData = new List<ulong>();
        var int32Data = new List<ulong>();
        var int64Data = new List<ulong>();
        var doubleData = new List<ulong>();
        var uint64Data = new List<ulong>();
        var stringData = new List<byte[]>();

        while (true)
        {
            var tagOffset = reader.Offset;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                break;
            }

            switch (field)
            {
                case TensorDims:
                    reader.ReadRepeatedVarint(wire, "dims", tagOffset, dims);
                    break;
                case TensorDataType:
                    dataType = unchecked((int)reader.ReadVarintField(wire, "data_type", tagOffset));
                    hasDataType = true;
                    break;
                case TensorSegment:
                    throw reader.Malformed(
                        "field 3 (TensorProto.segment, a chunked tensor) is set; segments are not supported "
                        + "(a SequenceProto or OptionalProto also has field 3: use ParseSequence/ParseOptional for those files)",
                        tagOffset);
                case TensorFloatData:
                    reader.ReadRepeatedFixed32(wire, "float_data", tagOffset, floatData);
                    break;
                case TensorInt32Data:
                    reader.ReadRepeatedVarint(wire, "int32_data", tagOffset, int32Data);
                    break;
                case TensorStringData:
                    reader.ExpectWireType(wire, ProtoWireReader.WireLengthDelimited, "string_data", tagOffset);
                    stringData.Add(reader.ReadLengthDelimited("string_data", out _).ToArray());
                    break;
                case TensorInt64Data:
                    reader.ReadRepeatedVarint(wire, "int64_data", tagOffset, int64Data);
                    break;
                case TensorName:
                    name = reader.ReadString(wire, "name", tagOffset);
                    break;
                case TensorRawData:
                    reader.ExpectWireType(wire, ProtoWireReader.WireLengthDelimited, "raw_data", tagOffset);
                    rawData = reader.ReadLengthDelimited("raw_data", out _);
                    hasRawData = true;
                    break;
                case TensorDoubleData:
                    reader.ReadRepeatedFixed64(wire, "double_data", tagOffset, doubleData);
                    break;
                case TensorUInt64Data:
                    reader.ReadRepeatedVarint(wire, "uint64_data", tagOffset, uint64Data);
                    break;
                case TensorExternalData:
                    throw reader.Malformed(
                        "TensorProto.external_data is set; tensors stored in external files are not supported", tagOffset);
                case TensorDataLocation:
                    var location = reader.ReadVarintField(wire, "data_location", tagOffset);
                    if (location != 0)
                    {
                        throw reader.Malformed(
                            location == 1
                                ? "data_location=EXTERNAL; tensors stored in external files are not supported"
                                : $"unknown data_location {location}",
                            tagOffset);
                    }

                    break;
                default:
                    reader.SkipField(field, wire, tagOffset);
                    break;
            }
        }

        string Describe() => $"TensorProto '{name}' at byte offset {baseOffset}";

        if (!hasDataType || dataType == DataTypeUndefined)
        {
            throw new InvalidDataException($"{Describe()}: data_type is missing or UNDEFINED.");
        }

        var shape = new long[dims.Count];
        long elementCount = 1;
        for (var i = 0; i < dims.Count; i++)
        {
            var d = unchecked((long)dims[i]);
            if (d < 0)
            {
                throw new InvalidDataException($"{Describe()}: dims[{i}] is negative ({d}).");
            }

            shape[i] = d;
            try
            {
                elementCount = checked(elementCount * d);
            }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{Describe()}: element count of dims [{string.Join(", ", dims)}] overflows.");
            }
        }

        var typedFields = new (string Name, int Count)[]
        {
            ("float_data", floatData.Count),
            ("int32_data", int32Data.Count),
            ("string_data", stringData.Count),
            ("int64_data", int64Data.Count),
            ("double_data", doubleData.Count),
            ("uint64_data", uint64Data.Count),
        };

        if (dataType == DataTypeString)
        {
            if (hasRawData)
            {
                throw new InvalidDataException($"{Describe()}: raw_data is set on a STRING tensor (strings must use string_data).");
            }

            RejectOtherTypedFields(typedFields, "string_data", dataType, Describe);
            if (stringData.Count != elementCount)
            {
                throw new InvalidDataException(
                    $"{Describe()}: string_data has {stringData.Count} element(s) but dims [{string.Join(", ", shape)}] need {elementCount}.");
            }

            return new TensorProtoData(name, shape, dataType, elementCount, [], [.. stringData]);
        }

        if (!TryGetElementSize(dataType, out var elementSize))
        {
            throw new InvalidDataException($"{Describe()}: unsupported data_type {DataTypeName(dataType)}.");
        }

        if (elementCount > Array.MaxLength / elementSize)
        {
            throw new InvalidDataException(
                $"{Describe()}: dims [{string.Join(", ", shape)}] describe {elementCount} {DataTypeName(dataType)} element(s), too large to hold in memory.");
        }

        var byteCount = (int)(elementCount * elementSize);

        if (hasRawData)
        {
            RejectOtherTypedFields(typedFields, null, dataType, Describe);
            if (rawData.Length != byteCount)
            {
                throw new InvalidDataException(
                    $"{Describe()}: raw_data is {rawData.Length} byte(s) but dims [{string.Join(", ", shape)}] of {DataTypeName(dataType)} need {byteCount} ({elementCount} × {elementSize}).");
            }

            return new TensorProtoData(name, shape, dataType, elementCount, rawData.ToArray(), null);
        }

        var (values, fieldName, valuesPerElement) = dataType switch
        {
            DataTypeFloat => (floatData, "float_data", 1),
            DataTypeComplex64 => (floatData, "float_data", 2),
            DataTypeDouble => (doubleData, "double_data", 1),
            DataTypeComplex128 => (doubleData, "double_data", 2),
            DataTypeInt64 => (int64Data, "int64_data", 1),
            DataTypeUInt32 or DataTypeUInt64 => (uint64Data, "uint64_data", 1),
            _ => (int32Data, "int32_data", 1),
        };

        RejectOtherTypedFields(typedFields, fieldName, dataType, Describe);
        if (values.Count != elementCount * valuesPerElement)
        {
            throw new InvalidDataException(
                $"{Describe()}: {fieldName} has {values.Count} value(s) but dims [{string.Join(", ", shape)}] of {DataTypeName(dataType)} need {elementCount * valuesPerElement}.");
        }

        // Each stored value holds the element's bit pattern in its low bits (float/double bits for
        // float_data/double_data; the integer, or the FLOAT16/BFLOAT16/FLOAT8 bit pattern, for int32_data).
        var data = new byte[byteCount];
        var bytesPerValue = elementSize / valuesPerElement;
        var isBool = dataType == DataTypeBool;
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (isBool)
            {
                v = v != 0 ? 1UL : 0UL;
            }

            var at = i * bytesPerValue;
            for (var b = 0; b < bytesPerValue; b++)
            {
                data[at + b] = (byte)(v >> (8 * b));
            }
        }

        return new TensorProtoData(name, shape, dataType, elementCount, data, null);
    }

    private static void RejectOtherTypedFields((string Name, int Count)[] fields, string? allowed, int dataType, Func<string> describe)
    {
        foreach (var (fieldName, count) in fields)
        {
            if (count > 0 && fieldName != allowed)
            {
                var why = allowed is null
                    ? "raw_data is also set"
                    : $"a {DataTypeName(dataType)} tensor stores its elements in {allowed}";
                throw new InvalidDataException($"{describe()}: {fieldName} has {count} value(s) but {why}.");
            }
        }
    }

    private static ValueProtoData ParseSequenceCore(ReadOnlySpan<byte> bytes, int baseOffset, int depth)
    {
        var reader = new ProtoWireReader(bytes, baseOffset, "SequenceProto");
        CheckDepth(reader, depth, baseOffset);
        var name = string.Empty;
        var elemType = ValueProtoData.ElemTypeUndefined;
        var elements = new List<ValueProtoData>();
        var usedField = 0;
        var usedFieldOffset = 0;

        while (true)
        {
            var tagOffset = reader.Offset;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                break;
            }

            switch (field)
            {
                case ValueName:
                    name = reader.ReadString(wire, "name", tagOffset);
                    break;
                case ValueElemType:
                    elemType = unchecked((int)reader.ReadVarintField(wire, "elem_type", tagOffset));
                    break;
                case ValueTensor:
                case ValueSequence:
                case ValueOptional:
                    if (usedField != 0 && usedField != field)
                    {
                        throw reader.Malformed(
                            $"mixes {ElementFieldName(usedField, true)} (at byte offset {usedFieldOffset}) with {ElementFieldName(field, true)}", tagOffset);
                    }

                    usedField = field;
                    usedFieldOffset = tagOffset;
                    elements.Add(ReadNestedValue(ref reader, field, wire, tagOffset, depth, true));
                    break;
                case ValueSparseTensor:
                case ValueMap:
                    throw reader.Malformed($"{ElementFieldName(field, true)} is not supported", tagOffset);
                default:
                    reader.SkipField(field, wire, tagOffset);
                    break;
            }
        }

        CheckElemType(elemType, usedField, "SequenceProto", name, baseOffset, true);
        return ValueProtoData.Sequence(name, elemType, elements);
    }

    private static ValueProtoData ParseOptionalCore(ReadOnlySpan<byte> bytes, int baseOffset, int depth)
    {
        var reader = new ProtoWireReader(bytes, baseOffset, "OptionalProto");
        CheckDepth(reader, depth, baseOffset);
        var name = string.Empty;
        var elemType = ValueProtoData.ElemTypeUndefined;
        ValueProtoData? value = null;
        var usedField = 0;

        while (true)
        {
            var tagOffset = reader.Offset;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                break;
            }

            switch (field)
            {
                case ValueName:
                    name = reader.ReadString(wire, "name", tagOffset);
                    break;
                case ValueElemType:
                    elemType = unchecked((int)reader.ReadVarintField(wire, "elem_type", tagOffset));
                    break;
                case ValueTensor:
                case ValueSequence:
                case ValueOptional:
                    if (value is not null)
                    {
                        throw reader.Malformed(
                            $"holds more than one value ({ElementFieldName(usedField, false)} and {ElementFieldName(field, false)})", tagOffset);
                    }

                    usedField = field;
                    value = ReadNestedValue(ref reader, field, wire, tagOffset, depth, false);
                    break;
                case ValueSparseTensor:
                case ValueMap:
                    throw reader.Malformed($"{ElementFieldName(field, false)} is not supported", tagOffset);
                default:
                    reader.SkipField(field, wire, tagOffset);
                    break;
            }
        }

        CheckElemType(elemType, usedField, "OptionalProto", name, baseOffset, false);
        return value is null
            ? ValueProtoData.OptionalEmpty(name, elemType)
            : ValueProtoData.OptionalWithValue(name, elemType, value);
    }

    private static ValueProtoData ReadNestedValue(ref ProtoWireReader reader, int field, int wire, int tagOffset, int depth, bool repeated)
    {
        var fieldName = ElementFieldName(field, repeated);
        reader.ExpectWireType(wire, ProtoWireReader.WireLengthDelimited, fieldName, tagOffset);
        var payload = reader.ReadLengthDelimited(fieldName, out var payloadOffset);
        return field switch
        {
            ValueTensor => ValueProtoData.FromTensor(ParseTensorCore(payload, payloadOffset)),
            ValueSequence => ParseSequenceCore(payload, payloadOffset, depth + 1),
            _ => ParseOptionalCore(payload, payloadOffset, depth + 1),
        };
    }

    private static void CheckDepth(ProtoWireReader reader, int depth, int baseOffset)
    {
        if (depth > MaxNestingDepth)
        {
            throw reader.Malformed($"values nested deeper than {MaxNestingDepth} levels", baseOffset);
        }
    }

    private static void CheckElemType(int elemType, int usedField, string message, string name, int baseOffset, bool repeated)
    {
        if (usedField == 0 || elemType == ValueProtoData.ElemTypeUndefined)
        {
            return;
        }

        var expected = usedField switch
        {
            ValueTensor => ValueProtoData.ElemTypeTensor,
            ValueSequence => ValueProtoData.ElemTypeSequence,
            _ => ValueProtoData.ElemTypeOptional,
        };
        if (elemType != expected)
        {
            throw new InvalidDataException(
                $"{message} '{name}' at byte offset {baseOffset}: elem_type is {elemType} but the value is stored in {ElementFieldName(usedField, repeated)}.");
        }
    }

    private static string ElementFieldName(int field, bool repeated)
    {
        var stem = field switch
        {
            ValueTensor => "tensor_value",
            ValueSparseTensor => "sparse_tensor_value",
            ValueSequence => "sequence_value",
            ValueMap => "map_value",
            ValueOptional => "optional_value",
            _ => $"field {field}",
        };
        return repeated ? stem + "s" : stem;
    }
}
