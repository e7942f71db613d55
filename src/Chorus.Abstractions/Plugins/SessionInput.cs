namespace Chorus.Plugins;

/// <summary>One named input of <see cref="IModelSession.Run(IReadOnlyList{SessionInput}, string, Memory{float}, CancellationToken)"/>: float32 data, or int64 data made with <see cref="FromInt64"/>.</summary>
/// <param name="Name">The ONNX input name.</param>
/// <param name="Data">The float values, row-major (empty for an int64 input).</param>
/// <param name="Shape">The dimensions (empty for a scalar).</param>
public sealed record SessionInput(string Name, ReadOnlyMemory<float> Data, IReadOnlyList<long> Shape)
{
    /// <summary>The element type: <see cref="TensorElementType.Float"/>, or <see cref="TensorElementType.Int64"/> for <see cref="FromInt64"/>.</summary>
    public TensorElementType ElementType { get; private init; } = TensorElementType.Float;

    /// <summary>The values of an int64 input (empty for a float input).</summary>
    public ReadOnlyMemory<long> Int64Data { get; private init; }

    /// <summary>An int64 input (e.g. the sample rate a speech model takes as a scalar).</summary>
    public static SessionInput FromInt64(string name, ReadOnlyMemory<long> data, IReadOnlyList<long> shape) =>
        new(name, ReadOnlyMemory<float>.Empty, shape) { ElementType = TensorElementType.Int64, Int64Data = data };
}
