using System.Buffers;
using Chorus.Plugins;

namespace Chorus.Plugins.DigitsCnn;

/// <summary>
/// A small CNN over the 8×8 digit image. Its own preprocessing: the 64 pixel counts (0–16, row-major, as in the UCI data)
/// are clamped to 0–16, scaled to 0–1 and laid out as a 1×8×8 image per sample.
/// </summary>
internal sealed class DigitsCnnModel : IModel
{
    private const int Side = 8;
    private const string InputName = "image";
    private const string OutputName = "probabilities";

    private readonly IModelSession _session;

    public DigitsCnnModel(PluginContext context)
    {
        var manifest = context.Manifest;
        Id = manifest.Id;
        Labels = manifest.Labels;
        _session = context.Sessions.Open(manifest.ModelPath ?? Path.Combine(manifest.Directory, "model.onnx"), manifest.Id);
        if (!_session.Inputs.Any(i => i.Name == InputName) || !_session.Outputs.Any(o => o.Name == OutputName))
        {
            _session.Dispose();
            throw new ChorusException(
                $"plugin '{Id}': the model must have input '{InputName}' and output '{OutputName}' (it has {string.Join(", ", _session.Inputs)} -> {string.Join(", ", _session.Outputs)}).",
                Id);
        }
    }

    public string Id { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize => Side * Side;

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        var count = batchSize * SampleSize;
        if (samples.Length != count)
        {
            throw new ArgumentException($"plugin '{Id}': {batchSize} sample(s) need {count} values, got {samples.Length}.", nameof(samples));
        }

        var image = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var source = samples.Span;
            for (var i = 0; i < count; i++)
            {
                image[i] = Math.Clamp(source[i], 0f, 16f) / 16f;
            }

            _session.Run([new SessionInput(InputName, image.AsMemory(0, count), [batchSize, 1, Side, Side])], OutputName, scores, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(image);
        }
    }

    public void Dispose() => _session.Dispose();
}
