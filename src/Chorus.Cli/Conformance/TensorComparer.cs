using System.Buffers.Binary;
using Chorus.OnnxRuntime;

namespace Chorus.Cli.Conformance;

/// <summary>
/// Compares an output of ONNX Runtime with the expected tensor of a conformance case, as ONNX's runner does
/// (<c>numpy.testing.assert_allclose</c>): equal element type and shape; floating-point elements within
/// <c>|actual - expected| &lt;= atol + rtol * |expected|</c>, NaN equal to NaN; everything else exactly equal.
/// </summary>
internal static class TensorComparer
{
    /// <summary>Returns null when equal, else what differs.</summary>
    public static string? Compare(OrtValue actual, TensorProtoData expected, double rtol, double atol)
    {
        if (actual.ValueType != OnnxValueType.Tensor)
        {
            return $"expected a tensor, got a {actual.ValueType}";
        }

        var type = (TensorElementType)expected.DataType;
        if (actual.ElementType != type)
        {
            return $"element type {TensorElementTypeInfo.OnnxName(actual.ElementType)}, expected {TensorElementTypeInfo.OnnxName(type)}";
        }

        if (!actual.Shape.SequenceEqual(expected.Dims))
        {
            return $"shape [{string.Join(",", actual.Shape.ToArray())}], expected [{string.Join(",", expected.Dims)}]";
        }

        if (type == TensorElementType.String)
        {
            var strings = actual.GetStrings();
            for (var i = 0; i < strings.Length; i++)
            {
                var want = System.Text.Encoding.UTF8.GetString(expected.Strings![i]);
                if (!string.Equals(strings[i], want, StringComparison.Ordinal))
                {
                    return $"element {i} is \"{strings[i]}\", expected \"{want}\"";
                }
            }

            return null;
        }

        var got = actual.GetTensorBytes();
        var want8 = expected.Data.AsSpan();
        switch (type)
        {
            case TensorElementType.Float:
            case TensorElementType.Complex64:
                return CompareFloats(got, want8, 4, static b => BinaryPrimitives.ReadSingleLittleEndian(b), rtol, atol);
            case TensorElementType.Double:
            case TensorElementType.Complex128:
                return CompareFloats(got, want8, 8, static b => BinaryPrimitives.ReadDoubleLittleEndian(b), rtol, atol);
            case TensorElementType.Float16:
                return CompareFloats(got, want8, 2, static b => (double)BinaryPrimitives.ReadHalfLittleEndian(b), rtol, atol);
            case TensorElementType.BFloat16:
                return CompareFloats(got, want8, 2, static b => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b) << 16), rtol, atol);
            default:
                var size = Math.Max(1, TensorElementTypeInfo.ElementSize(type));
                for (var i = 0; i < got.Length; i += size)
                {
                    if (!got.Slice(i, size).SequenceEqual(want8.Slice(i, size)))
                    {
                        return $"element {i / size} differs (bytes {Convert.ToHexString(got.Slice(i, size))}, expected {Convert.ToHexString(want8.Slice(i, size))})";
                    }
                }

                return null;
        }
    }

    private delegate double Decode(ReadOnlySpan<byte> bytes);

    private static string? CompareFloats(ReadOnlySpan<byte> got, ReadOnlySpan<byte> want, int size, Decode decode, double rtol, double atol)
    {
        var mismatches = 0;
        string? first = null;
        for (var i = 0; i < got.Length; i += size)
        {
            var a = decode(got.Slice(i, size));
            var e = decode(want.Slice(i, size));
            if (double.IsNaN(a) && double.IsNaN(e))
            {
                continue;
            }

            if (a == e)
            {
                continue;
            }

            if (!(Math.Abs(a - e) <= atol + (rtol * Math.Abs(e))))
            {
                mismatches++;
                first ??= $"element {i / size} is {a:R}, expected {e:R}";
            }
        }

        return first is null ? null : $"{mismatches} of {got.Length / size} elements beyond rtol={rtol} atol={atol}; first: {first}";
    }
}
