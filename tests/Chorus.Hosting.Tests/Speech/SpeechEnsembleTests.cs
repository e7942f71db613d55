using Chorus.Fusion.Frames;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Speech;
using Chorus.Streaming;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>The bundled speech ensemble (plugins/vad.speech.json) streamed on espeak-ng speech, and speech ensemble files.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class SpeechEnsembleTests
{
    private ChorusHost _host = null!;
    private float[] _audio = null!;
    private double _speechStart;
    private double _speechEnd;

    [OneTimeSetUp]
    public void CreateHost()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(RepositoryPaths.Plugins);
        _host = ChorusHost.Create(options);
        var utterance = SpeechAudio.Speak("Streaming speech detection keeps its state for every stream it opens.");
        _audio = SpeechAudio.Concat(SpeechAudio.Silence(1.5), utterance, SpeechAudio.Silence(1.5));
        _speechStart = 1.5;
        _speechEnd = 1.5 + ((double)utterance.Length / SpeechAudio.Rate);
    }

    [OneTimeTearDown]
    public void DisposeHost() => _host.Dispose();

    [Test]
    public void The_bundled_ensemble_loads_with_its_three_members()
    {
        var ensemble = _host.GetSpeechEnsemble("vad");
        Assert.That(ensemble.MemberIds, Is.EqualTo(new[] { "silero-vad-v5", "silero-vad-v4", "energy-vad" }));
        Assert.That(_host.Ensembles.Select(e => e.Id), Does.Not.Contain("vad"), "speech ensembles stay out of the classification ensembles");
    }

    [Test]
    public void Fused_stream_finds_the_sentence()
    {
        var ensemble = _host.GetSpeechEnsemble("vad");
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(3);
        var segments = new List<SpeechSegment>();
        var frames = new List<FusedFrame>();
        for (var offset = 0; offset < _audio.Length; offset += 1234)
        {
            stream.Push(_audio.AsSpan(offset, Math.Min(1234, _audio.Length - offset)), output);
            segments.AddRange(output.Segments);
            frames.AddRange(output.Frames);
            output.Clear();
        }

        stream.Complete(output);
        segments.AddRange(output.Segments);
        frames.AddRange(output.Frames);

        // The grid tiles the audio at 32 ms; every frame has all three members.
        Assert.That(frames, Has.Count.EqualTo((int)Math.Ceiling(_audio.Length / 512.0)));
        Assert.That(frames.All(f => f.MembersPresent == 3), Is.True);
        Assert.That(segments, Is.Not.Empty);
        var first = segments[0];
        var last = segments[^1];
        Assert.That(first.StartSeconds, Is.EqualTo(_speechStart).Within(0.25), "speech starts where the sentence was placed");
        Assert.That(last.EndSeconds, Is.EqualTo(_speechEnd).Within(0.35), "speech ends where the sentence ends (espeak pads it a little)");
        var covered = segments.Sum(s => Math.Min(s.EndSeconds, _speechEnd) - Math.Max(s.StartSeconds, _speechStart));
        Assert.That(covered / (_speechEnd - _speechStart), Is.GreaterThan(0.8));
    }

    [Test]
    public void A_NaN_is_refused_without_failing_a_member()
    {
        using var stream = _host.GetSpeechEnsemble("vad").OpenStream();
        var output = new SpeechStreamOutput(3);
        var chunk = new float[1000];
        chunk[3] = float.NaN;
        Assert.That(() => stream.Push(chunk, output), Throws.ArgumentException.With.Message.Contains("sample 3"));
        chunk[3] = 0;
        stream.Push(chunk, output);
        Assert.That(stream.FailedMembers, Is.Empty);
        Assert.That(stream.SamplesPushed, Is.EqualTo(1000));
    }

    [Test]
    public void Members_that_cannot_stream_are_left_out_and_reported()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"chorus-speech-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "mixed.speech.json");
            File.WriteAllText(file, """{ "id": "mixed", "members": ["energy-vad", "digits-logreg", "nope"], "fusion": { "mode": "hard" } }""");
            var ensemble = _host.LoadSpeechEnsemble(file);
            Assert.That(ensemble.MemberIds, Is.EqualTo(new[] { "energy-vad" }));
            Assert.That(ensemble.Definition.Fusion.Mode, Is.EqualTo(FrameFusionMode.Hard));
            Assert.That(_host.EnsembleProblems, Has.Some.Contains("'digits-logreg' does not stream").And.Some.Contains("'nope' is not an installed plugin"));

            File.WriteAllText(file, """{ "id": "bad", "members": [], "fusion": { "mode": "loud", "gridHopSeconds": -1 } }""");
            var error = Assert.Throws<EnsembleLoadException>(() => _host.LoadSpeechEnsemble(file));
            Assert.That(error!.Problems, Has.Some.Contains("'members' must be a non-empty array").And.Some.Contains("fusion.mode").And.Some.Contains("gridHopSeconds"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Two_fused_streams_do_not_share_state()
    {
        var ensemble = _host.GetSpeechEnsemble("vad");
        var alone = RunAll(ensemble, _audio);
        using var a = ensemble.OpenStream();
        using var b = ensemble.OpenStream();
        var outA = new SpeechStreamOutput(3);
        var outB = new SpeechStreamOutput(3);
        var framesA = new List<float>();
        var noise = SpeechAudio.WhiteNoise(_audio.Length, -25, seed: 11);
        for (var offset = 0; offset < _audio.Length; offset += 3000)
        {
            var n = Math.Min(3000, _audio.Length - offset);
            a.Push(_audio.AsSpan(offset, n), outA);
            b.Push(noise.AsSpan(offset, n), outB);
            framesA.AddRange(outA.Frames.Select(f => f.Probability));
            outA.Clear();
            outB.Clear();
        }

        a.Complete(outA);
        framesA.AddRange(outA.Frames.Select(f => f.Probability));
        Assert.That(framesA, Is.EqualTo(alone).Within(1e-6f));
    }

    private static List<float> RunAll(SpeechEnsemble ensemble, float[] audio)
    {
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(3);
        stream.Push(audio, output);
        stream.Complete(output);
        return output.Frames.Select(f => f.Probability).ToList();
    }
}
