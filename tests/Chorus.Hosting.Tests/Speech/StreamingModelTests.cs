using Chorus.Plugins;
using Chorus.Streaming;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>
/// The three bundled voice-activity plugins streamed through <see cref="ChorusHost.OpenStream"/> on espeak-ng speech and
/// silence: what they score, that state stays per stream, that chunking does not matter, and that bad input is refused.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class StreamingModelTests
{
    private const double LeadSeconds = 1.0;
    private ChorusHost _host = null!;
    private float[] _speech = null!;
    private float[] _utterance = null!;

    public static readonly string[] Models = ["silero-vad-v5", "silero-vad-v4", "energy-vad"];

    [OneTimeSetUp]
    public void CreateHost()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(RepositoryPaths.Plugins);
        _host = ChorusHost.Create(options);
        _utterance = SpeechAudio.Speak("The quick brown fox jumps over the lazy dog, and then it runs far away into the forest.");
        _speech = SpeechAudio.Concat(SpeechAudio.Silence(LeadSeconds), _utterance, SpeechAudio.Silence(1.0));
    }

    [OneTimeTearDown]
    public void DisposeHost() => _host.Dispose();

    [TestCaseSource(nameof(Models))]
    public void Loads_as_a_streaming_model_at_16_kHz(string id)
    {
        var record = _host.Catalog.Find(id);
        Assert.That(record?.Error, Is.Null, $"plugin {id} failed to load");
        var model = _host.GetStreamingModel(id);
        Assert.That(model.SampleRate, Is.EqualTo(16000));
        Assert.That(model.FrameSamples, Is.EqualTo(id == "energy-vad" ? 320 : 512));
    }

    [TestCase("silero-vad-v4", "audio 'input', sample rate 'sr', probability 'output', state 'h' -> 'hn' [2, 1, 64], 'c' -> 'cn' [2, 1, 64]")]
    [TestCase("silero-vad-v5", "audio 'input', sample rate 'sr', probability 'output', state 'state' -> 'stateN' [2, 1, 128]")]
    public void Silero_roles_are_read_from_the_graph(string id, string expected)
    {
        // The names and shapes were read from the ONNX files with Python's onnx package (PROVENANCE.md).
        Assert.That(_host.GetStreamingModel(id).ToString(), Does.Contain(expected));
    }

    [TestCaseSource(nameof(Models))]
    public void Silence_scores_low(string id)
    {
        var scores = Run(id, SpeechAudio.Silence(3.0), 4000);
        Assert.That(scores, Has.Count.EqualTo((int)Math.Ceiling(3.0 * 16000 / _host.GetStreamingModel(id).FrameSamples)));
        Assert.That(scores.Max(s => s.Probability), Is.LessThan(0.5f));
    }

    [TestCaseSource(nameof(Models))]
    public void Speech_scores_high_and_the_silence_around_it_low(string id)
    {
        var scores = Run(id, _speech, 1600);
        var speechEnd = LeadSeconds + ((double)_utterance.Length / SpeechAudio.Rate);
        // Frames well inside the silence before and after, and the utterance (espeak pads it lightly; words have gaps).
        var before = scores.Where(s => s.StartSeconds + s.DurationSeconds < LeadSeconds - 0.1).ToList();
        var after = scores.Where(s => s.StartSeconds > speechEnd + 0.3).ToList();
        var inside = scores.Where(s => s.StartSeconds > LeadSeconds + 0.2 && s.StartSeconds + s.DurationSeconds < speechEnd - 0.3).ToList();
        Assert.That(before.Max(s => s.Probability), Is.LessThan(0.5f), "silence before the speech");
        Assert.That(after.Max(s => s.Probability), Is.LessThan(0.5f), "silence after the speech");
        Assert.That(inside.Count(s => s.Probability >= 0.5f), Is.GreaterThan(inside.Count * 0.7), "frames of speech scored as speech");
    }

    [TestCaseSource(nameof(Models))]
    public void Timestamps_tile_the_audio(string id)
    {
        var scores = Run(id, _speech, 777);
        var frame = (double)_host.GetStreamingModel(id).FrameSamples / SpeechAudio.Rate;
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.That(scores[i].StartSeconds, Is.EqualTo(i * frame).Within(1e-9));
        }

        Assert.That(scores[^1].StartSeconds + scores[^1].DurationSeconds, Is.EqualTo((double)_speech.Length / SpeechAudio.Rate).Within(1e-9));
    }

    [TestCaseSource(nameof(Models))]
    public void Chunk_sizes_do_not_change_the_scores(string id)
    {
        var whole = Run(id, _speech, _speech.Length);
        var odd = Run(id, _speech, 333);
        Assert.That(odd.Select(s => s.Probability), Is.EqualTo(whole.Select(s => s.Probability)).Within(1e-6f));
    }

    [TestCaseSource(nameof(Models))]
    public void Interleaved_streams_keep_their_own_state(string id)
    {
        var noise = SpeechAudio.WhiteNoise(_speech.Length, -30, seed: 7);
        var aloneSpeech = Run(id, _speech, 1000);
        var aloneNoise = Run(id, noise, 1000);

        using var a = _host.OpenStream(id);
        using var b = _host.OpenStream(id);
        var scoresA = new List<FrameScore>();
        var scoresB = new List<FrameScore>();
        for (var offset = 0; offset < _speech.Length; offset += 1000)
        {
            var length = Math.Min(1000, _speech.Length - offset);
            a.Push(_speech.AsSpan(offset, length), scoresA);
            b.Push(noise.AsSpan(offset, length), scoresB);
        }

        a.Complete(scoresA);
        b.Complete(scoresB);
        Assert.That(scoresA.Select(s => s.Probability), Is.EqualTo(aloneSpeech.Select(s => s.Probability)).Within(1e-6f));
        Assert.That(scoresB.Select(s => s.Probability), Is.EqualTo(aloneNoise.Select(s => s.Probability)).Within(1e-6f));
    }

    [TestCaseSource(nameof(Models))]
    public void Concurrent_streams_on_threads_match_single_runs(string id)
    {
        var expected = Run(id, _speech, 2048);
        var results = new List<FrameScore>[4];
        Parallel.For(0, results.Length, i => results[i] = Run(id, _speech, 512 + (i * 100)));
        foreach (var result in results)
        {
            Assert.That(result.Select(s => s.Probability), Is.EqualTo(expected.Select(s => s.Probability)).Within(1e-6f));
        }
    }

    [TestCaseSource(nameof(Models))]
    public void A_NaN_chunk_is_refused_and_the_stream_carries_on_unchanged(string id)
    {
        var expected = Run(id, _speech, 4000);
        using var stream = _host.OpenStream(id);
        var scores = new List<FrameScore>();
        stream.Push(_speech.AsSpan(0, 4000), scores);
        var bad = _speech.AsSpan(4000, 4000).ToArray();
        bad[17] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => stream.Push(bad, scores));
        Assert.That(error!.Message, Does.Contain("sample 4017").And.Contain("NaN").And.Contain(id));
        bad[17] = float.PositiveInfinity;
        Assert.That(() => stream.Push(bad, scores), Throws.ArgumentException.With.Message.Contains("∞").Or.Message.Contains("Infinity"));
        for (var offset = 4000; offset < _speech.Length; offset += 4000)
        {
            stream.Push(_speech.AsSpan(offset, Math.Min(4000, _speech.Length - offset)), scores);
        }

        stream.Complete(scores);
        Assert.That(scores.Select(s => s.Probability), Is.EqualTo(expected.Select(s => s.Probability)).Within(1e-6f));
    }

    [TestCaseSource(nameof(Models))]
    public void A_wrong_sample_rate_is_refused_with_the_fix(string id)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _host.OpenStream(id, 44100));
        Assert.That(error!.Message, Does.Contain("16000 Hz").And.Contain("44100").And.Contain("resample"));
    }

    [TestCaseSource(nameof(Models))]
    public void A_disposed_or_completed_stream_refuses_more_audio(string id)
    {
        var stream = _host.OpenStream(id);
        var scores = new List<FrameScore>();
        stream.Push(new float[100], scores);
        Assert.That(stream.Complete(scores), Is.EqualTo(1));
        Assert.That(() => stream.Push(new float[10], scores), Throws.InvalidOperationException.With.Message.Contains("completed"));
        stream.Dispose();
        Assert.That(() => stream.Push(new float[10], scores), Throws.TypeOf<ObjectDisposedException>());
        stream.Dispose();
    }

    [TestCaseSource(nameof(Models))]
    public void Opening_and_disposing_many_streams_does_not_grow_the_heap(string id)
    {
        var chunk = _speech.AsSpan(16000, 4096).ToArray();
        var scores = new List<FrameScore>();
        void Cycle(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var stream = _host.OpenStream(id);
                stream.Push(chunk, scores);
                scores.Clear();
            }
        }

        Cycle(50);
        var before = Heap();
        Cycle(500);
        var after = Heap();
        Assert.That(after - before, Is.LessThan(512 * 1024), $"heap grew from {before} to {after} bytes over 500 streams");
    }

    [TestCaseSource(nameof(Models))]
    public void Predict_scores_one_frame_from_fresh_state(string id)
    {
        var model = _host.Catalog.FindModel(id)!;
        var frame = _host.GetStreamingModel(id).FrameSamples;
        var samples = _speech.AsSpan(32000, frame * 2).ToArray();
        var scores = new float[4];
        model.Predict(samples, 2, scores);
        Assert.That(scores[0] + scores[1], Is.EqualTo(1f).Within(1e-6f));
        Assert.That(scores[2] + scores[3], Is.EqualTo(1f).Within(1e-6f));
        Assert.That(model.Labels, Is.EqualTo(new[] { "non-speech", "speech" }));
    }

    [Test]
    public void A_model_that_does_not_stream_is_named_in_the_error()
    {
        Assert.That(() => _host.OpenStream("digits-logreg"), Throws.InstanceOf<ChorusException>().With.Message.Contains("does not stream"));
        Assert.That(() => _host.OpenStream("no-such-vad"), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("silero-vad-v5"));
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private List<FrameScore> Run(string id, float[] audio, int chunk)
    {
        using var stream = _host.OpenStream(id);
        var scores = new List<FrameScore>();
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            stream.Push(audio.AsSpan(offset, Math.Min(chunk, audio.Length - offset)), scores);
        }

        stream.Complete(scores);
        return scores;
    }
}
