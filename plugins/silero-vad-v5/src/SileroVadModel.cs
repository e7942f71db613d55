using System.Globalization;
using System.Text.Json;
using Chorus.Plugins;
using Chorus.Streaming;

namespace Chorus.Plugins.SileroVad;

/// <summary>
/// A Silero VAD graph as a Chorus model. Streaming (<see cref="IStreamingModel"/>) is its real use: each stream keeps its
/// own recurrent state. <see cref="IModel.Predict"/> scores one frame per sample from fresh state as [non-speech, speech].
/// </summary>
/// <remarks>
/// plugin.json <c>config</c>: <c>frameSamples</c> (samples per frame at 16 kHz; 512 by default, as silero-vad uses) and
/// <c>contextSamples</c> (samples of the previous frame put before each frame, as silero-vad 5 does with 64; 0 by default).
/// </remarks>
internal sealed class SileroVadModel : IModel, IStreamingModel
{
    private const int Rate = 16000;

    private readonly IModelSession _session;

    public SileroVadModel(PluginContext context)
    {
        var manifest = context.Manifest;
        Id = manifest.Id;
        Labels = manifest.Labels;
        (FrameSamples, ContextSamples) = ReadConfig(manifest);
        if (Labels.Count != 2 || Labels[1] != "speech")
        {
            throw new ChorusException($"plugin '{Id}' ({manifest.ManifestPath}): 'labels' must be [\"non-speech\", \"speech\"] (the columns Predict writes).", Id);
        }

        _session = context.Sessions.Open(manifest.ModelPath ?? Path.Combine(manifest.Directory, "model.onnx"), manifest.Id);
        try
        {
            Graph = SileroGraph.Read(_session, Id);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public string Id { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize => FrameSamples;

    public int SampleRate => Rate;

    public int FrameSamples { get; }

    public int ContextSamples { get; }

    internal SileroGraph Graph { get; }

    internal IModelSession Session => _session;

    public IFrameStream OpenStream(int sampleRate)
    {
        StreamingArguments.ThrowIfSampleRateDiffers(Id, Rate, sampleRate);
        return new SileroFrameStream(this);
    }

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        StreamingArguments.ThrowIfFrameBatchMismatch(Id, FrameSamples, batchSize, samples.Length, scores.Length, scoresPerFrame: 2);

        var frames = new List<FrameScore>(1);
        for (var i = 0; i < batchSize; i++)
        {
            using var stream = new SileroFrameStream(this);
            frames.Clear();
            stream.Push(samples.Span.Slice(i * FrameSamples, FrameSamples), frames, cancellationToken);
            var p = frames[0].Probability;
            scores.Span[2 * i] = 1f - p;
            scores.Span[(2 * i) + 1] = p;
        }
    }

    public void Dispose() => _session.Dispose();

    public override string ToString() => $"{Id}: {Graph}, {FrameSamples} samples per frame, {ContextSamples} of context";

    private static (int Frame, int Context) ReadConfig(PluginManifest manifest)
    {
        using var config = JsonDocument.Parse(manifest.Config);
        var frame = Integer(config.RootElement, "frameSamples", 512, manifest);
        var context = Integer(config.RootElement, "contextSamples", 0, manifest);
        if (frame is < 256 or > 4096 || context < 0 || context > frame)
        {
            throw new ChorusException(string.Create(CultureInfo.InvariantCulture,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): config frameSamples must be 256–4096 (512 for silero v5) and contextSamples 0–frameSamples; got {frame} and {context}."), manifest.Id);
        }

        return (frame, context);
    }

    private static int Integer(JsonElement root, string name, int fallback, PluginManifest manifest)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new ChorusException($"plugin '{manifest.Id}' ({manifest.ManifestPath}): config '{name}' must be an integer, got {value.GetRawText()}.", manifest.Id);
    }
}
