namespace Chorus.OnnxRuntime;

/// <summary>
/// One input or output of a model as ONNX Runtime reports it: name, kind, element type and shape. Dimensions the model
/// leaves open are -1 in <see cref="Shape"/>, with their names (such as <c>batch</c>) in <see cref="SymbolicDimensions"/>.
/// </summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, OnnxValueType valueType, TensorElementType elementType, long[] shape, string?[] symbolicDimensions)
    {
        Name = name;
        ValueType = valueType;
        ElementType = elementType;
        Shape = shape;
        SymbolicDimensions = symbolicDimensions;
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>Tensor, sequence, map or optional.</summary>
    public OnnxValueType ValueType { get; }

    /// <summary>The element type, for tensors; <see cref="TensorElementType.Undefined"/> otherwise.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions; -1 where the model leaves a dimension open.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Per dimension, its symbolic name when the model gives one (else null or empty).</summary>
    public IReadOnlyList<string?> SymbolicDimensions { get; }

    /// <summary>The type as Chorus messages write it: <c>float32[batch,64]</c>.</summary>
    public string TypeText => ValueType == OnnxValueType.Tensor
        ? TensorElementTypeInfo.Format(ElementType, ShapeArray, SymbolicDimensions)
        : ValueType.ToString().ToLowerInvariant();

    internal long[] ShapeArray => (long[])Shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeText}";
}
