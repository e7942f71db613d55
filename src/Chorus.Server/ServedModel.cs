namespace Chorus.Server;

/// <summary>Something the server exposes under <c>/v2/models/{name}</c>: a plugin's model or an ensemble.</summary>
internal abstract class ServedModel
{
    public const string ScoresOutput = "scores";

    protected ServedModel(string name, string version, string platform)
    {
        Name = name;
        Version = version;
        Platform = platform;
        Metrics = new ModelMetrics(this);
    }

    /// <summary>This model's counters and histograms, exported at <c>/metrics</c>.</summary>
    public ModelMetrics Metrics { get; }

    public string Name { get; }

    /// <summary>The version served now (a plugin's manifest version, which a reload may change).</summary>
    public virtual string Version { get; }

    /// <summary>The v2 metadata platform: <c>onnxruntime</c>, <c>chorus-assembly</c>, <c>chorus-native</c> or <c>chorus-ensemble</c>.</summary>
    public string Platform { get; }

    /// <summary>Why the model cannot answer (its plugin failed to load or was unloaded); null when it is ready.</summary>
    public abstract string? Unavailable { get; }

    public abstract string InputName { get; }

    public abstract int SampleSize { get; }

    public abstract IReadOnlyList<string> Labels { get; }

    /// <summary>The outputs as the metadata lists them: name, datatype, shape (-1 = the batch).</summary>
    public abstract IReadOnlyList<(string Name, string Datatype, int[] Shape)> Outputs { get; }

    /// <summary>Whether a request may ask for <paramref name="name"/> in its <c>outputs</c>.</summary>
    public virtual bool HasOutput(string name) => Outputs.Any(o => o.Name == name);

    public abstract Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken);

    protected static bool Wants(InferenceRequest request, string output) =>
        request.RequestedOutputs is null || request.RequestedOutputs.Contains(output, StringComparer.Ordinal);
}
