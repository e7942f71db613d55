using Chorus.Streaming;

namespace Chorus.Abstractions.Tests.Streaming;

/// <summary><see cref="FixedFrameStream"/> with a stand-in model whose score is the frame's mean: framing, timestamps, checks.</summary>
[TestFixture]
public sealed class FixedFrameStreamTests
{
    [Test]
    public void Chunks_of_any_length_become_whole_frames_with_timestamps()
    {
        using var stream = new MeanStream(frameSamples: 4, sampleRate: 8);
        var scores = new List<FrameScore>();
        // Samples 0.0, 0.1, ..., 0.9: frames [0..3], [4..7] and the partial [8, 9] (padded with zeros at Complete).
        var samples = Enumerable.Range(0, 10).Select(i => i / 10f).ToArray();

        Assert.That(stream.Push(samples.AsSpan(0, 3), scores), Is.Zero);
        Assert.That(stream.Push(samples.AsSpan(3, 6), scores), Is.EqualTo(2));
        Assert.That(stream.Push(samples.AsSpan(9, 1), scores), Is.Zero);
        Assert.That(stream.Complete(scores), Is.EqualTo(1));

        Assert.That(scores.Select(s => s.StartSeconds), Is.EqualTo(new[] { 0.0, 0.5, 1.0 }));
        Assert.That(scores.Select(s => s.DurationSeconds), Is.EqualTo(new[] { 0.5, 0.5, 0.25 }));
        Assert.That(scores.Select(s => s.Probability), Is.EqualTo(new[] { 0.15f, 0.55f, (0.8f + 0.9f) / 4 }).Within(1e-6f));
        Assert.That(stream.SamplesPushed, Is.EqualTo(10));
    }

    [Test]
    public void A_non_finite_sample_is_refused_by_position_and_nothing_is_consumed()
    {
        using var stream = new MeanStream(frameSamples: 4, sampleRate: 8);
        var scores = new List<FrameScore>();
        stream.Push([0.1f, 0.1f], scores);

        var error = Assert.Throws<ArgumentException>(() => stream.Push([0.1f, float.NaN, 0.1f], scores));

        Assert.That(error!.Message, Does.Contain("sample 3 of the stream (index 1 of this chunk)").And.Contain("'mean'"));
        Assert.That(stream.SamplesPushed, Is.EqualTo(2));
        stream.Push([0.1f, 0.1f], scores);
        Assert.That(scores.Single().Probability, Is.EqualTo(0.1f).Within(1e-6f));
    }

    [Test]
    public void A_score_outside_zero_to_one_is_reported_as_a_faulty_plugin()
    {
        using var stream = new MeanStream(frameSamples: 2, sampleRate: 8);
        Assert.That(() => stream.Push([2f, 2f], new List<FrameScore>()),
            Throws.InstanceOf<ChorusException>().With.Message.Contains("not a probability in [0, 1]"));
    }

    [Test]
    public void A_second_thread_pushing_at_the_same_time_is_refused()
    {
        using var gate = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        using var stream = new MeanStream(frameSamples: 1, sampleRate: 8, entered, gate);
        var first = Task.Run(() => stream.Push([0.5f], new List<FrameScore>()));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(10)), Is.True);

        Assert.That(() => stream.Push([0.5f], new List<FrameScore>()), Throws.InvalidOperationException.With.Message.Contains("one caller at a time"));

        gate.Set();
        Assert.That(first.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(first.Result, Is.EqualTo(1));
    }

    [Test]
    public void Dispose_runs_once_and_the_stream_is_then_refused()
    {
        var stream = new MeanStream(frameSamples: 2, sampleRate: 8);
        stream.Dispose();
        stream.Dispose();
        Assert.That(stream.DisposeCalls, Is.EqualTo(1));
        Assert.That(() => stream.Push([0f], new List<FrameScore>()), Throws.TypeOf<ObjectDisposedException>());
    }

    private sealed class MeanStream(int frameSamples, int sampleRate, ManualResetEventSlim? entered = null, ManualResetEventSlim? gate = null)
        : FixedFrameStream("mean", sampleRate, frameSamples)
    {
        public int DisposeCalls { get; private set; }

        protected override float ScoreFrame(ReadOnlySpan<float> frame)
        {
            entered?.Set();
            gate?.Wait(TimeSpan.FromSeconds(10));
            var sum = 0f;
            foreach (var x in frame)
            {
                sum += x;
            }

            return sum / frame.Length;
        }

        protected override void Dispose(bool disposing)
        {
            DisposeCalls++;
            base.Dispose(disposing);
        }
    }
}
