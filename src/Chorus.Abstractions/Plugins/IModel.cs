namespace Chorus.Plugins;

/// <summary>
/// A loaded model as the host runs it: raw samples in, one score row per sample out. Every plugin kind (manifest-only ONNX,
/// assembly, native) ends up as an <see cref="IModel"/>.
/// </summary>
/// <remarks>
/// <see cref="Predict"/> may be called from several threads at once and must be safe to do so. The host owns the model
/// and disposes it when it unloads the plugin.
/// </remarks>
public interface IModel : IDisposable
{
    /// <summary>The plugin id.</summary>
    string Id { get; }

    /// <summary>What the model predicts.</summary>
    ModelTask Task { get; }

    /// <summary>The labels of the score columns, in column order (classification), or the names of the values (regression).</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>Values per sample the model takes (e.g. 64 pixel counts for an 8×8 digit).</summary>
    int SampleSize { get; }

    /// <summary>
    /// Scores a batch: <paramref name="samples"/> holds <paramref name="batchSize"/> × <see cref="SampleSize"/> raw values
    /// (the model does its own preprocessing); <paramref name="scores"/> receives <paramref name="batchSize"/> ×
    /// <see cref="Labels"/>.Count values, row by row.
    /// </summary>
    void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default);
}
