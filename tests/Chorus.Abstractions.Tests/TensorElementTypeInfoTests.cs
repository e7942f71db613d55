namespace Chorus.Abstractions.Tests;

[TestFixture]
public sealed class TensorElementTypeInfoTests
{
    // Sizes from the ONNX specification (onnx.proto TensorProto.DataType) and numpy's itemsize.
    [TestCase(TensorElementType.Float, 4)]
    [TestCase(TensorElementType.UInt8, 1)]
    [TestCase(TensorElementType.Int8, 1)]
    [TestCase(TensorElementType.UInt16, 2)]
    [TestCase(TensorElementType.Int16, 2)]
    [TestCase(TensorElementType.Int32, 4)]
    [TestCase(TensorElementType.Int64, 8)]
    [TestCase(TensorElementType.Bool, 1)]
    [TestCase(TensorElementType.Float16, 2)]
    [TestCase(TensorElementType.Double, 8)]
    [TestCase(TensorElementType.UInt32, 4)]
    [TestCase(TensorElementType.UInt64, 8)]
    [TestCase(TensorElementType.Complex64, 8)]
    [TestCase(TensorElementType.Complex128, 16)]
    [TestCase(TensorElementType.BFloat16, 2)]
    [TestCase(TensorElementType.Float8E4M3FN, 1)]
    [TestCase(TensorElementType.Float8E4M3FNUZ, 1)]
    [TestCase(TensorElementType.Float8E5M2, 1)]
    [TestCase(TensorElementType.Float8E5M2FNUZ, 1)]
    [TestCase(TensorElementType.UInt4, 1)]
    [TestCase(TensorElementType.Int4, 1)]
    public void Element_size(TensorElementType type, int bytes)
    {
        Assert.That(TensorElementTypeInfo.ElementSize(type), Is.EqualTo(bytes));
    }

    [TestCase(TensorElementType.String)]
    [TestCase(TensorElementType.Undefined)]
    [TestCase((TensorElementType)99)]
    public void Types_without_a_fixed_size_are_refused(TensorElementType type)
    {
        Assert.That(() => TensorElementTypeInfo.ElementSize(type), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => TensorElementTypeInfo.ByteLength(type, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(TensorElementType.Float, 10, 40)]
    [TestCase(TensorElementType.Double, 3, 24)]
    [TestCase(TensorElementType.Complex128, 2, 32)]
    [TestCase(TensorElementType.UInt8, 0, 0)]
    [TestCase(TensorElementType.Int4, 1, 1)]
    [TestCase(TensorElementType.Int4, 3, 2)]
    [TestCase(TensorElementType.UInt4, 4, 2)]
    [TestCase(TensorElementType.UInt4, 0, 0)]
    public void Byte_length_packs_four_bit_types_two_per_byte(TensorElementType type, long count, long bytes)
    {
        Assert.That(TensorElementTypeInfo.ByteLength(type, count), Is.EqualTo(bytes));
    }

    [TestCase(TensorElementType.Float, "float32")]
    [TestCase(TensorElementType.Double, "float64")]
    [TestCase(TensorElementType.Float16, "float16")]
    [TestCase(TensorElementType.BFloat16, "bfloat16")]
    [TestCase(TensorElementType.UInt8, "uint8")]
    [TestCase(TensorElementType.Int8, "int8")]
    [TestCase(TensorElementType.UInt16, "uint16")]
    [TestCase(TensorElementType.Int16, "int16")]
    [TestCase(TensorElementType.Int32, "int32")]
    [TestCase(TensorElementType.Int64, "int64")]
    [TestCase(TensorElementType.UInt32, "uint32")]
    [TestCase(TensorElementType.UInt64, "uint64")]
    [TestCase(TensorElementType.String, "string")]
    [TestCase(TensorElementType.Bool, "bool")]
    [TestCase(TensorElementType.Complex64, "complex64")]
    [TestCase(TensorElementType.Complex128, "complex128")]
    [TestCase(TensorElementType.Float8E4M3FN, "float8e4m3fn")]
    [TestCase(TensorElementType.Float8E5M2FNUZ, "float8e5m2fnuz")]
    [TestCase(TensorElementType.Int4, "int4")]
    [TestCase(TensorElementType.UInt4, "uint4")]
    public void Onnx_name(TensorElementType type, string name)
    {
        Assert.That(TensorElementTypeInfo.OnnxName(type), Is.EqualTo(name));
    }

    [Test]
    public void Format_writes_open_dimensions_as_question_marks()
    {
        Assert.That(TensorElementTypeInfo.Format(TensorElementType.Float, [-1, 64]), Is.EqualTo("float32[?,64]"));
    }

    [Test]
    public void Format_writes_symbolic_dimensions_by_name()
    {
        Assert.That(TensorElementTypeInfo.Format(TensorElementType.Float, [-1, 1, 8, 8], ["N", null, null, null]), Is.EqualTo("float32[N,1,8,8]"));
    }

    [Test]
    public void Format_ignores_a_symbol_for_a_fixed_dimension_and_an_empty_symbol()
    {
        Assert.That(TensorElementTypeInfo.Format(TensorElementType.Int64, [3, -1], ["batch", ""]), Is.EqualTo("int64[3,?]"));
    }

    [Test]
    public void Format_copes_with_fewer_symbols_than_dimensions()
    {
        Assert.That(TensorElementTypeInfo.Format(TensorElementType.Double, [-1, -1], ["N"]), Is.EqualTo("float64[N,?]"));
    }

    [Test]
    public void Format_of_a_scalar_has_empty_brackets()
    {
        Assert.That(TensorElementTypeInfo.Format(TensorElementType.Bool, []), Is.EqualTo("bool[]"));
    }
}
