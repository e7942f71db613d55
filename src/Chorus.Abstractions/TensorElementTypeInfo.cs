namespace Chorus;

/// <summary>Sizes and names of <see cref="TensorElementType"/> values.</summary>
public static class TensorElementTypeInfo
{
    /// <summary>
    /// The number of bytes <paramref name="count"/> elements of <paramref name="type"/> occupy in a dense tensor
    /// (4-bit types pack two elements per byte). Throws for <see cref="TensorElementType.String"/> and undefined types.
    /// </summary>
    public static long ByteLength(TensorElementType type, long count)
    {
        return type switch
        {
            TensorElementType.UInt4 or TensorElementType.Int4 => (count + 1) / 2,
            _ => count * ElementSize(type),
        };
    }

    /// <summary>Bytes per element; 4-bit types report 1 (see <see cref="ByteLength"/>).</summary>
    public static int ElementSize(TensorElementType type)
    {
        return type switch
        {
            TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
            TensorElementType.Double or TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Complex64 => 8,
            TensorElementType.Complex128 => 16,
            TensorElementType.Int16 or TensorElementType.UInt16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
            TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool
                or TensorElementType.Float8E4M3FN or TensorElementType.Float8E4M3FNUZ
                or TensorElementType.Float8E5M2 or TensorElementType.Float8E5M2FNUZ
                or TensorElementType.UInt4 or TensorElementType.Int4 => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"Element type {type} has no fixed size."),
        };
    }

    /// <summary>The ONNX spelling of the type, as in error messages: <c>float32</c>, <c>int64</c>, <c>string</c>.</summary>
    public static string OnnxName(TensorElementType type)
    {
        return type switch
        {
            TensorElementType.Float => "float32",
            TensorElementType.Double => "float64",
            TensorElementType.Float16 => "float16",
            TensorElementType.BFloat16 => "bfloat16",
            TensorElementType.UInt8 => "uint8",
            TensorElementType.Int8 => "int8",
            TensorElementType.UInt16 => "uint16",
            TensorElementType.Int16 => "int16",
            TensorElementType.Int32 => "int32",
            TensorElementType.Int64 => "int64",
            TensorElementType.UInt32 => "uint32",
            TensorElementType.UInt64 => "uint64",
            TensorElementType.String => "string",
            TensorElementType.Bool => "bool",
            TensorElementType.Complex64 => "complex64",
            TensorElementType.Complex128 => "complex128",
            _ => type.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>Formats a tensor type the way Chorus error messages do: <c>float32[N,64]</c>.</summary>
    public static string Format(TensorElementType type, ReadOnlySpan<long> shape, IReadOnlyList<string?>? symbolicDims = null)
    {
        var text = new System.Text.StringBuilder(OnnxName(type)).Append('[');
        for (var i = 0; i < shape.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var symbol = symbolicDims is not null && i < symbolicDims.Count ? symbolicDims[i] : null;
            if (shape[i] < 0)
            {
                text.Append(string.IsNullOrEmpty(symbol) ? "?" : symbol);
            }
            else
            {
                text.Append(shape[i]);
            }
        }

        return text.Append(']').ToString();
    }
}
