namespace Chorus.Plugins;

/// <summary>A model input as the manifest declares it.</summary>
/// <param name="Name">The ONNX input name.</param>
/// <param name="ElementType">The element type (ONNX spelling, e.g. <c>float32</c>).</param>
/// <param name="Shape">The shape; -1 marks the batch (or another open) dimension.</param>
/// <param name="Preprocessing">Normalisation applied by the host for manifest-only models.</param>
public sealed record ManifestInput(string Name, string ElementType, IReadOnlyList<long> Shape, Preprocessing Preprocessing)
{
    /// <summary>Elements per sample: the product of the dimensions after the first (batch) one.</summary>
    public int SampleSize => (int)Shape.Skip(1).Aggregate(1L, (product, dim) => product * Math.Max(dim, 1));
}
