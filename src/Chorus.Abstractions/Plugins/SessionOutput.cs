namespace Chorus.Plugins;

/// <summary>One float output of <see cref="IModelSession.Run(IReadOnlyList{SessionInput}, IReadOnlyList{SessionOutput}, CancellationToken)"/> and where to copy it.</summary>
/// <param name="Name">The ONNX output name.</param>
/// <param name="Destination">Receives the output's values, row-major; it must hold at least as many as the output has.</param>
public sealed record SessionOutput(string Name, Memory<float> Destination);
