using Chorus.Hosting.Speech;
using Chorus.Plugins;
using Chorus.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests.Speech;

/// <summary><see cref="SpeechStreamOutput.MemberTimes"/>: each member's own compute time, reset by <see cref="SpeechStreamOutput.Clear"/>.</summary>
[TestFixture]
public sealed class SpeechMemberTimeTests
{
    [Test]
    public void Member_times_hold_each_members_own_scoring_time_until_cleared()
    {
        // slow sleeps 20 ms per 160-sample frame; 1600 samples are 10 frames, so at least 200 ms of its own time.
        using var provider = CodePlugins.Provider(new SleepingModel("slow", TimeSpan.FromMilliseconds(20)), new SleepingModel("fast", TimeSpan.Zero));
        var host = provider.GetRequiredService<ChorusHost>();
        using var folder = new TempFolder();
        var ensemble = host.LoadSpeechEnsemble(folder.Write("timed.speech.json", """{ "id": "timed", "members": ["slow", "fast"] }"""));
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(2);
        Assert.That(output.MemberTimes, Is.EqualTo(new[] { TimeSpan.Zero, TimeSpan.Zero }));

        stream.Push(new float[1600], output);

        Assert.That(output.MemberTimes[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200)));
        Assert.That(output.MemberTimes[1], Is.GreaterThan(TimeSpan.Zero));
        Assert.That(output.MemberTimes[1], Is.LessThan(output.MemberTimes[0]), "the fast member's time is its own, not the chunk's");

        var first = output.MemberTimes[0];
        stream.Push(new float[1600], output);
        Assert.That(output.MemberTimes[0], Is.GreaterThanOrEqualTo(first + TimeSpan.FromMilliseconds(200)), "times add up until Clear");

        output.Clear();
        Assert.That(output.MemberTimes, Is.EqualTo(new[] { TimeSpan.Zero, TimeSpan.Zero }));
    }

    /// <summary>Scores every 160-sample frame 0.5 after sleeping <c>delay</c>.</summary>
    private sealed class SleepingModel(string id, TimeSpan delay) : IModel, IStreamingModel
    {
        public string Id => id;

        public ModelTask Task => ModelTask.Classification;

        public IReadOnlyList<string> Labels { get; } = ["non-speech", "speech"];

        public int SampleSize => 160;

        public int SampleRate => 16000;

        public int FrameSamples => 160;

        public IFrameStream OpenStream(int sampleRate) => new Stream(id, delay);

        public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("streaming only");

        public void Dispose()
        {
        }

        private sealed class Stream(string id, TimeSpan delay) : FixedFrameStream(id, 16000, 160)
        {
            protected override float ScoreFrame(ReadOnlySpan<float> frame)
            {
                if (delay > TimeSpan.Zero)
                {
                    Thread.Sleep(delay);
                }

                return 0.5f;
            }
        }
    }
}
