namespace Chorus.Cli.Conformance;

/// <summary>
/// A decoded ONNX <c>TensorProto</c>: name, shape, element type and the elements as
/// fixed-width little-endian bytes in row-major order (or raw bytes per element for STRING).
/// </summary>
internal sealed class TensorProtoData
{
    public TensorProtoData(string name, long[] dims, int dataType, long elementCount, byte[] data, byte[][]? strings)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(data);
        Name = name;
        Dims = dims;
        DataType = dataType;
        ElementCount = elementCount;
        Data = data;
        Strings = strings;
    }

    /// <summary>The tensor's <c>name</c> field; empty when absent.</summary>
    public string Name { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public long[] Dims { get; }

    /// <summary>The ONNX <c>TensorProto.DataType</c> number (1 FLOAT, 7 INT64, 8 STRING, ...).</summary>
    public int DataType { get; }

    /// <summary>Product of <see cref="Dims"/>; 1 for a scalar.</summary>
    public long ElementCount { get; }

    /// <summary>
    /// For non-STRING types: <see cref="ElementCount"/> × element size bytes, little-endian, row-major.
    /// Empty for STRING.
    /// </summary>
    public byte[] Data { get; }

    /// <summary>For STRING tensors: each element's raw bytes; otherwise null.</summary>
    public byte[][]? Strings { get; }

    /// <summary>True when this is a STRING tensor.</summary>
    public bool IsString => DataType == TensorProtoReader.DataTypeString;

    public override string ToString() =>
        $"TensorProto '{Name}' type {TensorProtoReader.DataTypeName(DataType)} dims [{string.Join(", ", Dims)}]";
}
