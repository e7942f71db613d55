using Chorus.Hosting;
using Chorus.Plugins;
using Chorus.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>
/// A streaming voice-activity model registered in code for the speech replay tests: every frame of
/// <paramref name="frameSamples"/> scores <paramref name="probability"/>; with <paramref name="failAtFrame"/> ≥ 0, scoring
/// that frame (0-based, per stream) throws "device lost".
/// </summary>
internal sealed class ScriptedVadModel(string id, int frameSamples, float probability, int failAtFrame = -1) : IModel, IStreamingModel, IModelPlugin
{
    public string Id => id;

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; } = ["non-speech", "speech"];

    public int SampleSize => frameSamples;

    public int SampleRate => 16000;

    public int FrameSamples => frameSamples;

    /// <summary>A container whose host serves <paramref name="models"/>; dispose it to dispose the host.</summary>
    public static ServiceProvider Provider(params ScriptedVadModel[] models)
    {
        var services = new ServiceCollection();
        var chorus = services.AddChorus();
        foreach (var model in models)
        {
            chorus.AddPlugin(new PluginManifest { Id = model.Id, Version = "1.0.0", Task = ModelTask.Classification, Runtime = PluginRuntime.Assembly, Labels = model.Labels }, model);
        }

        return services.BuildServiceProvider();
    }

    public IModel CreateModel(PluginContext context) => this;

    public IFrameStream OpenStream(int sampleRate) => new Stream(id, frameSamples, probability, failAtFrame);

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{id} streams only.");

    public void Dispose()
    {
    }

    private sealed class Stream(string id, int frameSamples, float probability, int failAtFrame) : FixedFrameStream(id, 16000, frameSamples)
    {
        private int _frame;

        protected override float ScoreFrame(ReadOnlySpan<float> frame) =>
            _frame++ == failAtFrame ? throw new InvalidOperationException("device lost") : probability;
    }
}
