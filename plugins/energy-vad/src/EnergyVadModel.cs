using Chorus.Plugins;
using Chorus.Streaming;

namespace Chorus.Plugins.EnergyVad;

/// <summary>
/// A classic energy voice-activity detector. Streaming is its real use (the noise floor is learnt from the stream);
/// <see cref="IModel.Predict"/> scores a single frame with no history, against <see cref="EnergyVadSettings.MinFloorDb"/>
/// raised to −60 dBFS, as [non-speech, speech].
/// </summary>
internal sealed class EnergyVadModel : IModel, IStreamingModel
{
    private const int Rate = 16000;

    public EnergyVadModel(PluginManifest manifest)
    {
        Id = manifest.Id;
        Labels = manifest.Labels;
        if (Labels.Count != 2 || Labels[1] != "speech")
        {
            throw new ChorusException($"plugin '{Id}' ({manifest.ManifestPath}): 'labels' must be [\"non-speech\", \"speech\"] (the columns Predict writes).", Id);
        }

        Settings = EnergyVadSettings.Read(manifest);
        FrameSamples = (int)Math.Round(Settings.FrameMs * Rate / 1000.0);
    }

    public string Id { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize => FrameSamples;

    public int SampleRate => Rate;

    public int FrameSamples { get; }

    public EnergyVadSettings Settings { get; }

    public IFrameStream OpenStream(int sampleRate)
    {
        StreamingArguments.ThrowIfSampleRateDiffers(Id, Rate, sampleRate);
        return new EnergyVadStream(this);
    }

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        StreamingArguments.ThrowIfFrameBatchMismatch(Id, FrameSamples, batchSize, samples.Length, scores.Length, scoresPerFrame: 2);

        for (var i = 0; i < batchSize; i++)
        {
            var frame = samples.Span.Slice(i * FrameSamples, FrameSamples);
            foreach (var value in frame)
            {
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"plugin '{Id}': sample {i} holds {value}; samples must be finite.", nameof(samples));
                }
            }

            var energy = EnergyVadStream.FrameEnergyDb(frame, 0f, (float)Settings.PreEmphasis);
            var p = EnergyVadStream.Probability(energy - Math.Max(Settings.MinFloorDb, -60.0), Settings);
            scores.Span[2 * i] = 1f - p;
            scores.Span[(2 * i) + 1] = p;
        }
    }

    public void Dispose()
    {
    }
}
