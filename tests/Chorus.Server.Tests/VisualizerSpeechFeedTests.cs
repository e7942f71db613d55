using System.Globalization;
using System.Net;
using System.Text.Json;
using Chorus.Audio;
using Chorus.Hosting;
using Chorus.Hosting.Speech;
using Chorus.Server.Ui;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>
/// The visualizer's speech replay (docs/visualizer.md) over a real Kestrel server with the repository's VAD plugins and
/// plugins/vad.speech.json. Expected values come from a <see cref="SpeechStream"/> the test opens itself on the host's
/// speech ensemble over the same audio (not through the feed), and from the label file, parsed here line by line.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class VisualizerSpeechFeedTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private ChorusHost _host = null!;

    private static string SpeechIndex => Path.Combine(RepositoryPaths.Root, "tests", "data", "speech", "index.csv");

    [OneTimeSetUp]
    public void OpenHost() => _host = LoopbackServer.Host(RepositoryPaths.Plugins);

    [OneTimeTearDown]
    public void CloseHost() => _host.Dispose();

    [Test]
    public async Task Snapshot_lists_the_speech_source_beside_the_digits_one()
    {
        var options = new ChorusServerOptions();
        options.VisualizerReplays["digits"] = RepositoryPaths.DigitsTest;
        options.VisualizerReplays["vad"] = SpeechIndex;
        await using var server = await LoopbackServer.StartAsync(_host, options);
        using var feed = await SseStream.OpenAsync(server.Client, "ui/feed");

        var snapshot = await feed.NextAsync("snapshot", s_wait);
        var sources = snapshot.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.That(sources.Keys, Is.EquivalentTo(new[] { "digits", "vad" }));
        var vad = sources["vad"];
        Assert.Multiple(() =>
        {
            Assert.That(sources["digits"].GetProperty("kind").GetString(), Is.EqualTo("classification"));
            Assert.That(vad.GetProperty("kind").GetString(), Is.EqualTo("speech"));
            Assert.That(vad.GetProperty("samples").GetInt32(), Is.EqualTo(File.ReadLines(SpeechIndex).Count(l => l.Length > 0) - 1), "one per file of the index");
            Assert.That(vad.GetProperty("members").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { "silero-vad-v5", "silero-vad-v4", "energy-vad" }));
            Assert.That(vad.GetProperty("labels").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { "non-speech", "speech" }));
        });

        // The digits replay still answers in its own shape, now marked as a classification sample.
        await server.Client.PostAsync("ui/replay/start?source=digits&rate=50", null);
        var sample = (await feed.NextAsync("sample", s_wait)).GetProperty("sample");
        await server.Client.PostAsync("ui/replay/stop", null);
        Assert.That(sample.GetProperty("kind").GetString(), Is.EqualTo("classification"));
        Assert.That(sample.GetProperty("row").GetInt32(), Is.EqualTo(0));
    }

    [Test]
    public async Task The_first_file_replays_with_the_fused_probabilities_of_a_stream_opened_directly_and_the_label_files_truth()
    {
        var options = new ChorusServerOptions();
        options.VisualizerReplays["vad"] = SpeechIndex;
        await using var server = await LoopbackServer.StartAsync(_host, options);
        using var feed = await SseStream.OpenAsync(server.Client, "ui/feed");
        await feed.NextAsync("snapshot", s_wait);

        using (var start = await server.Client.PostAsync("ui/replay/start?source=vad&rate=100", null))
        {
            Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.OK), await start.Content.ReadAsStringAsync());
        }

        var chunks = new List<JsonElement>();
        while (chunks.Count == 0 || !chunks[^1].GetProperty("last").GetBoolean())
        {
            chunks.Add((await feed.NextAsync("sample", s_wait)).GetProperty("sample"));
            Assert.That(chunks.Count, Is.LessThan(100), "the first file is 6 s, 24 chunks of 0.25 s");
        }

        await server.Client.PostAsync("ui/replay/stop", null);

        // The index's first line, and its labels parsed here: "start<TAB>end<TAB>label" per line.
        var first = File.ReadLines(SpeechIndex).Skip(1).First().Split(',');
        var folder = Path.GetDirectoryName(SpeechIndex)!;
        var wav = Path.Combine(folder, first[0]);
        var segments = File.ReadLines(Path.Combine(folder, Path.GetFileNameWithoutExtension(first[0]) + ".labels.txt"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => (Start: double.Parse(c[0], CultureInfo.InvariantCulture), End: double.Parse(c[1], CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.That(segments, Is.Not.Empty);

        // The same audio through a stream opened here, in the same 0.25 s chunks, completed after the last.
        var ensemble = _host.GetSpeechEnsemble("vad");
        var audio = WavReader.Read(wav).Samples;
        const int chunkSamples = 4000;
        var expected = new List<(float[] Fused, float[][] Members)>();
        using (var stream = ensemble.OpenStream())
        {
            var output = new SpeechStreamOutput(ensemble.MemberIds.Count);
            for (var position = 0; position < audio.Length; position += chunkSamples)
            {
                output.Clear();
                stream.Push(audio.Span.Slice(position, Math.Min(chunkSamples, audio.Length - position)), output);
                if (position + chunkSamples >= audio.Length)
                {
                    stream.Complete(output);
                }

                expected.Add((output.Frames.Select(f => f.Probability).ToArray(), output.MemberFrames.Select(m => m.Select(f => f.Probability).ToArray()).ToArray()));
            }
        }

        Assert.That(chunks, Has.Count.EqualTo(expected.Count));
        long frames = 0, correct = 0, tp = 0, fp = 0, fn = 0;
        for (var c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            Assert.That(chunk.GetProperty("kind").GetString(), Is.EqualTo("speech"));
            Assert.That(chunk.GetProperty("file").GetString(), Is.EqualTo(first[0]));
            Assert.That(chunk.GetProperty("condition").GetString(), Is.EqualTo(first[1]));
            Assert.That(chunk.GetProperty("chunk").GetInt32(), Is.EqualTo(c));
            Assert.That(chunk.GetProperty("startSeconds").GetDouble(), Is.EqualTo(c * 0.25).Within(1e-9));
            Assert.That(chunk.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));

            var chunkFrames = chunk.GetProperty("frames").EnumerateArray().ToArray();
            Assert.That(chunkFrames.Select(f => (float)f.GetProperty("probability").GetDouble()), Is.EqualTo(expected[c].Fused), $"fused frames of chunk {c}");
            var threshold = chunk.GetProperty("threshold").GetDouble();
            Assert.That(threshold, Is.EqualTo(0.5), "plugins/vad.speech.json's binarizeThreshold");
            foreach (var frame in chunkFrames)
            {
                var centre = frame.GetProperty("start").GetDouble() + (frame.GetProperty("duration").GetDouble() / 2);
                var truth = segments.Any(s => centre >= s.Start && centre < s.End);
                var speech = frame.GetProperty("probability").GetDouble() >= threshold;
                Assert.That(frame.GetProperty("truth").GetBoolean(), Is.EqualTo(truth), $"label of the frame at {centre} s");
                Assert.That(frame.GetProperty("speech").GetBoolean(), Is.EqualTo(speech));
                frames++;
                correct += speech == truth ? 1 : 0;
                tp += speech && truth ? 1 : 0;
                fp += speech && !truth ? 1 : 0;
                fn += !speech && truth ? 1 : 0;
            }

            var mean = expected[c].Fused.Average(p => (double)p);
            Assert.That(chunk.GetProperty("probability").GetDouble(), Is.EqualTo(mean).Within(1e-6));
            Assert.That(chunk.GetProperty("decision").GetString(), Is.EqualTo(mean >= threshold ? "speech" : "non-speech"));

            var members = chunk.GetProperty("members").EnumerateArray().ToArray();
            Assert.That(members.Select(m => m.GetProperty("id").GetString()), Is.EqualTo(ensemble.MemberIds));
            var agreeing = 0;
            for (var m = 0; m < members.Length; m++)
            {
                var own = members[m].GetProperty("frames").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
                Assert.That(own, Is.EqualTo(expected[c].Members[m]), $"{ensemble.MemberIds[m]}'s frames in chunk {c}");
                Assert.That(members[m].GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
                Assert.That(members[m].GetProperty("latencyMs").GetDouble(), Is.GreaterThan(0));
                agreeing += (expected[c].Members[m].Average(p => (double)p) >= threshold) == (mean >= threshold) ? 1 : 0;
            }

            Assert.That(chunk.GetProperty("agreeing").GetInt32(), Is.EqualTo(agreeing), $"members agreeing in chunk {c}");
            Assert.That(chunk.GetProperty("answering").GetInt32(), Is.EqualTo(3));
        }

        var totals = chunks[^1].GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That(totals.GetProperty("chunks").GetInt64(), Is.EqualTo(chunks.Count));
            Assert.That(totals.GetProperty("files").GetInt64(), Is.EqualTo(1));
            Assert.That(totals.GetProperty("frames").GetInt64(), Is.EqualTo(frames));
            Assert.That(totals.GetProperty("accuracy").GetDouble(), Is.EqualTo((double)correct / frames).Within(1e-12));
            Assert.That(totals.GetProperty("f1").GetDouble(), Is.EqualTo(2.0 * tp / ((2.0 * tp) + fp + fn)).Within(1e-12));
            Assert.That(tp, Is.GreaterThan(0), "the clean file has speech the ensemble finds");
        });
    }

    [Test]
    public void A_missing_index_wav_or_label_file_is_refused_at_construction_naming_it()
    {
        var missing = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
        missing.VisualizerReplays["vad"] = Path.Combine(Path.GetTempPath(), "no-such-index.csv");
        Assert.That(() => new ChorusServer(_host, missing), Throws.ArgumentException.With.Message.Contains("no-such-index.csv").And.Message.Contains("does not exist"));

        using var folder = new TestFolder();
        var noWav = folder.Write("index.csv", "file,condition\nabsent.wav,clean\n");
        var options = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
        options.VisualizerReplays["vad"] = noWav;
        Assert.That(() => new ChorusServer(_host, options), Throws.ArgumentException.With.Message.Contains("absent.wav").And.Message.Contains("line 2"));

        File.Copy(Path.Combine(Path.GetDirectoryName(SpeechIndex)!, "en-f_clean.wav"), Path.Combine(folder.Path, "copy.wav"));
        folder.Write("index.csv", "file,condition\ncopy.wav,clean\n");
        Assert.That(() => new ChorusServer(_host, options), Throws.ArgumentException.With.Message.Contains("copy.labels.txt"));

        folder.Write("copy.labels.txt", "1.0\t0.5\tspeech\n");
        Assert.That(() => new ChorusServer(_host, options), Throws.ArgumentException.With.Message.Contains("copy.labels.txt"));

        folder.Write("index.csv", "name,label\ncopy.wav,clean\n");
        Assert.That(() => new ChorusServer(_host, options), Throws.ArgumentException.With.Message.Contains("'file' and 'condition'"));
    }

    [Test]
    public async Task An_unreadable_wav_and_a_member_that_fails_mid_file_are_shown_and_the_replay_goes_on()
    {
        // steady: 10 ms frames at 0.9; flaky: 20 ms frames at 0.3, throws on its frame 30 (0.60–0.62 s). Equal weights, soft:
        // fused 0.6 while both answer (speech at threshold 0.5; flaky alone says non-speech), 0.9 once flaky is out.
        using var provider = ScriptedVadModel.Provider(new ScriptedVadModel("steady", 160, 0.9f), new ScriptedVadModel("flaky", 320, 0.3f, failAtFrame: 30));
        var host = provider.GetRequiredService<ChorusHost>();
        using var folder = new TestFolder();
        var ensemble = host.LoadSpeechEnsemble(folder.Write("pair.speech.json", """{ "id": "pair", "members": ["steady", "flaky"], "fusion": { "gridHopSeconds": 0.02 } }"""));
        folder.Write("bad.wav", "this is not a RIFF file");
        folder.Write("bad.labels.txt", "0\t1\tspeech\n");
        File.WriteAllBytes(Path.Combine(folder.Path, "quiet.wav"), SilentWav(16000));
        folder.Write("quiet.labels.txt", "0.5\t1.0\tspeech\n");
        var index = folder.Write("index.csv", "file,condition\nbad.wav,broken\nquiet.wav,silence\n");

        await using var feed = new VisualizerFeed([], [SpeechReplaySource.Load(ensemble, index)]);
        using var reader = feed.Subscribe();
        using var timeout = new CancellationTokenSource(s_wait);
        feed.Start("pair", 100);
        var chunks = new List<SpeechFeedSample>();
        await foreach (var item in reader.ReadAllAsync(timeout.Token))
        {
            if (item.Speech is { } chunk)
            {
                chunks.Add(chunk);
                if (chunks.Count == 5)
                {
                    break;
                }
            }
        }

        feed.Stop();
        var bad = chunks[0];
        Assert.Multiple(() =>
        {
            Assert.That(bad.File, Is.EqualTo("bad.wav"));
            Assert.That(bad.Error, Does.Contain("bad.wav"));
            Assert.That(bad.Frames, Is.Empty);
            Assert.That(bad.Decision, Is.Null);
            Assert.That(bad.Members.Select(m => m.Error), Has.All.Not.Null);
            Assert.That(bad.Totals.Failures, Is.EqualTo(1));
            Assert.That(bad.Totals.Files, Is.Zero, "a file that could not be read was not played");
        });

        // quiet.wav, 1 s: chunks 0-3; flaky fails in chunk 2 (0.50-0.75 s).
        var quiet = chunks.Skip(1).ToArray();
        Assert.That(quiet.Select(c => (c.File, c.Chunk)), Is.EqualTo(new[] { ("quiet.wav", 0), ("quiet.wav", 1), ("quiet.wav", 2), ("quiet.wav", 3) }));
        Assert.Multiple(() =>
        {
            Assert.That(quiet[0].Error, Is.Null);
            Assert.That(quiet[0].Frames.Select(f => f.Probability), Has.All.EqualTo(0.6).Within(1e-6));
            Assert.That(quiet[0].Frames.Select(f => f.Truth), Has.All.False, "0-0.25 s is before the labelled 0.5-1.0 s");
            Assert.That(quiet[0].Members.Select(m => m.Probability), Is.EqualTo(new double?[] { 0.9, 0.3 }).Within(1e-6));
            Assert.That(quiet[0].Members.Select(m => m.Frames.Count), Is.EqualTo(new[] { 25, 12 }), "4000 samples: 25 frames of 160, 12 of 320");
            Assert.That(quiet[0].Decision, Is.EqualTo("speech"));
            Assert.That((quiet[0].Agreeing, quiet[0].Answering), Is.EqualTo((1, 2)));
            Assert.That(quiet[0].Degraded, Is.False);

            Assert.That(quiet[2].Members[1].Error, Does.Contain("device lost"));
            Assert.That(quiet[2].Degraded, Is.True);
            Assert.That(quiet[2].Error, Is.Null, "one member left; the ensemble still answers");
            Assert.That(quiet[2].Frames[^1].Probability, Is.EqualTo(0.9).Within(1e-6));
            Assert.That(quiet[3].Members[1].Error, Does.Contain("device lost"), "a failed member stays out for the rest of the file");
            Assert.That(quiet[3].Frames.Select(f => f.Probability), Has.All.EqualTo(0.9).Within(1e-6));
            Assert.That(quiet[3].Frames.Select(f => f.Truth), Has.All.True);
            Assert.That((quiet[3].Agreeing, quiet[3].Answering), Is.EqualTo((1, 1)));
            Assert.That(quiet[3].Last, Is.True);
            Assert.That(quiet[3].Totals.Files, Is.EqualTo(1));
            Assert.That(quiet[3].Totals.Frames, Is.EqualTo(50), "1 s on a 20 ms grid");
        });
    }

    /// <summary>A 16 kHz mono 16-bit PCM WAV of <paramref name="samples"/> zero samples, written from the RIFF layout.</summary>
    private static byte[] SilentWav(int samples)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + (samples * 2));
            writer.Write("WAVE"u8);
            writer.Write("fmt "u8);
            writer.Write(16);
            writer.Write((short)1);     // PCM
            writer.Write((short)1);     // mono
            writer.Write(16000);        // sample rate
            writer.Write(16000 * 2);    // byte rate
            writer.Write((short)2);     // block align
            writer.Write((short)16);    // bits per sample
            writer.Write("data"u8);
            writer.Write(samples * 2);
            writer.Write(new byte[samples * 2]);
        }

        return memory.ToArray();
    }
}
