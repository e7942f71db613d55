using Chorus.Plugins;
using Chorus.Streaming;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>A streaming model registered in code: every frame scores <c>probability</c>; with <c>failAtFrame</c>, scoring that frame throws.</summary>
internal sealed class ScriptedStreamingModel(string id, int frameSamples, float probability, int failAtFrame = -1) : IModel, IStreamingModel
{
    public string Id => id;

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; } = ["non-speech", "speech"];

    public int SampleSize => frameSamples;

    public int SampleRate => 16000;

    public int FrameSamples => frameSamples;

    public IFrameStream OpenStream(int sampleRate) => new Stream(this);

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("streaming only");

    public void Dispose()
    {
    }

    private sealed class Stream(ScriptedStreamingModel model) : FixedFrameStream(model.Id, 16000, model.FrameSamples)
    {
        private int _frame;

        protected override float ScoreFrame(ReadOnlySpan<float> frame) =>
            _frame++ == model._failAtFrame ? throw new InvalidOperationException("device lost") : model._probability;
    }

    private readonly float _probability = probability;
    private readonly int _failAtFrame = failAtFrame;
}
