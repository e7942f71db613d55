namespace Chorus.Plugins;

/// <summary>A model output as the manifest declares it.</summary>
/// <param name="Name">The ONNX output name.</param>
/// <param name="Kind">Whether it holds probabilities or logits.</param>
public sealed record ManifestOutput(string Name, OutputKind Kind);
