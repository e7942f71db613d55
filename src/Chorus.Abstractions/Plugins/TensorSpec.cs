namespace Chorus.Plugins;

/// <summary>An input or output of an ONNX model: name, element type and shape (-1 for open dimensions).</summary>
public sealed record TensorSpec(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TensorElementTypeInfo.Format(ElementType, Shape.ToArray())}";
}
