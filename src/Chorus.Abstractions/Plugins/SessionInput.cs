namespace Chorus.Plugins;

/// <summary>One named float input of <see cref="IModelSession.Run"/>.</summary>
/// <param name="Name">The ONNX input name.</param>
/// <param name="Data">The values, row-major.</param>
/// <param name="Shape">The dimensions.</param>
public sealed record SessionInput(string Name, ReadOnlyMemory<float> Data, IReadOnlyList<long> Shape);
