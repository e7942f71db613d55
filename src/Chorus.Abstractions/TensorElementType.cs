namespace Chorus;

/// <summary>
/// Element types of tensors, numbered as ONNX <c>TensorProto.DataType</c> (and ONNX Runtime's
/// <c>ONNXTensorElementDataType</c>, which uses the same numbers).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The names are ONNX's element type names.")]
public enum TensorElementType
{
    /// <summary>No type.</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float.</summary>
    Float = 1,
    /// <summary>8-bit unsigned integer.</summary>
    UInt8 = 2,
    /// <summary>8-bit signed integer.</summary>
    Int8 = 3,
    /// <summary>16-bit unsigned integer.</summary>
    UInt16 = 4,
    /// <summary>16-bit signed integer.</summary>
    Int16 = 5,
    /// <summary>32-bit signed integer.</summary>
    Int32 = 6,
    /// <summary>64-bit signed integer.</summary>
    Int64 = 7,
    /// <summary>UTF-8 string.</summary>
    String = 8,
    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 10,
    /// <summary>64-bit IEEE float.</summary>
    Double = 11,
    /// <summary>32-bit unsigned integer.</summary>
    UInt32 = 12,
    /// <summary>64-bit unsigned integer.</summary>
    UInt64 = 13,
    /// <summary>Complex number of two 32-bit floats.</summary>
    Complex64 = 14,
    /// <summary>Complex number of two 64-bit floats.</summary>
    Complex128 = 15,
    /// <summary>Brain floating point: the upper 16 bits of a 32-bit float.</summary>
    BFloat16 = 16,
    /// <summary>8-bit float, E4M3, finite only.</summary>
    Float8E4M3FN = 17,
    /// <summary>8-bit float, E4M3, finite only, no negative zero.</summary>
    Float8E4M3FNUZ = 18,
    /// <summary>8-bit float, E5M2.</summary>
    Float8E5M2 = 19,
    /// <summary>8-bit float, E5M2, finite only, no negative zero.</summary>
    Float8E5M2FNUZ = 20,
    /// <summary>4-bit unsigned integer, two per byte.</summary>
    UInt4 = 21,
    /// <summary>4-bit signed integer, two per byte.</summary>
    Int4 = 22,
}
