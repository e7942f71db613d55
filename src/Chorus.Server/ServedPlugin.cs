using Chorus.Hosting.Plugins;
using Chorus.Plugins;

namespace Chorus.Server;

/// <summary>A plugin's model: one input, output <c>scores</c> FP32 [batch, labels].</summary>
internal sealed class ServedPlugin : ServedModel
{
    private static readonly Dictionary<string, object> s_noParameters = [];
    private readonly PluginRecord _record;

    public ServedPlugin(PluginRecord record)
        : base(record.Id, record.Manifest?.Version ?? "1", PlatformOf(record))
    {
        _record = record;
        InputName = record.Manifest is { Inputs.Count: > 0 } manifest ? manifest.Inputs[0].Name : "input";
        Outputs = [(ScoresOutput, "FP32", [-1, Labels.Count])];
    }

    public override string? Unavailable => _record.Model is null ? $"model '{Name}' failed to load: {_record.Error}" : null;

    public override string InputName { get; }

    // A failed plugin has no model; its manifest still says what it takes.
    public override int SampleSize => _record.Model?.SampleSize
        ?? (_record.Manifest is { Inputs.Count: > 0 } manifest ? (int)manifest.Inputs[0].Shape.Skip(1).Aggregate(1L, (a, b) => a * Math.Max(b, 1)) : 0);

    public override IReadOnlyList<string> Labels => _record.Model?.Labels ?? _record.Manifest?.Labels ?? [];

    public override IReadOnlyList<(string Name, string Datatype, int[] Shape)> Outputs { get; }

    public override Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var model = _record.Model ?? throw new ProtocolException(503, Unavailable!);
        var scores = new float[request.BatchSize * model.Labels.Count];
        try
        {
            model.Predict(request.Samples, request.BatchSize, scores, cancellationToken);
        }
        catch (ChorusException ex)
        {
            throw new ProtocolException(500, $"model '{Name}' failed: {ex.Message}");
        }

        OutputTensor[] outputs = Wants(request, ScoresOutput) ? [new(ScoresOutput, "FP32", [request.BatchSize, model.Labels.Count], scores, null)] : [];
        return Task.FromResult(new InferenceResult(outputs, s_noParameters));
    }

    private static string PlatformOf(PluginRecord record) => record.Manifest?.Runtime switch
    {
        PluginRuntime.Assembly => "chorus-assembly",
        PluginRuntime.Native => "chorus-native",
        _ => "onnxruntime",
    };
}
