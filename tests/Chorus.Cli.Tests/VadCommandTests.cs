using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

/// <summary>
/// <c>chorus vad</c> and <c>chorus eval</c> on the bundled speech ensemble (plugins/vad.speech.json) with the speech test
/// set (tests/data/speech: labels known by construction), and their errors for bad files.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class VadCommandTests
{
    private static string SpeechEnsemble => Path.Combine(Repository.Plugins, "vad.speech.json");

    private static string Speech(string name) => Path.Combine(Repository.Root, "tests", "data", "speech", name);

    [Test]
    public void Vad_prints_segments_that_cover_the_labelled_sentences_and_frame_scores()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = VadCommand.Run(SpeechEnsemble, Speech("en-f_white-10.wav"), Speech("en-f_white-10.labels.txt"), false, null, null, output, error, CancellationToken.None);

        var text = output.ToString();
        Assert.That(exitCode, Is.Zero, error.ToString());
        var segments = SegmentLine().Matches(text).Select(m => (Start: Number(m.Groups[1].Value), End: Number(m.Groups[2].Value), Confidence: Number(m.Groups[3].Value))).ToList();
        Assert.That(segments, Is.Not.Empty, text);
        Assert.That(segments.Select(s => s.Confidence), Has.All.InRange(0.0, 1.0));
        // Each labelled sentence (the label file is made by construction) lies mostly inside a printed segment.
        foreach (var line in File.ReadAllLines(Speech("en-f_white-10.labels.txt")))
        {
            var parts = line.Split('\t');
            var (start, end) = (Number(parts[0]), Number(parts[1]));
            var covered = segments.Sum(s => Math.Max(0, Math.Min(s.End, end) - Math.Max(s.Start, start)));
            Assert.That(covered / (end - start), Is.GreaterThan(0.8), $"sentence {start}–{end} in\n{text}");
        }

        var rows = ScoreLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => (P: Number(m.Groups[2].Value), R: Number(m.Groups[3].Value), F1: Number(m.Groups[4].Value)));
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "silero-vad-v5", "silero-vad-v4", "energy-vad", "fused" }), text);
        foreach (var (p, r, f1) in rows.Values)
        {
            Assert.That(f1, Is.EqualTo(p + r == 0 ? 0 : 2 * p * r / (p + r)).Within(0.002), "F1 is the harmonic mean of the printed precision and recall");
        }

        Assert.That(rows["fused"].F1, Is.GreaterThan(0.8));
    }

    [Test]
    public void Vad_json_has_the_same_segments_as_the_table()
    {
        var table = new StringWriter();
        var json = new StringWriter();
        Assert.That(VadCommand.Run(SpeechEnsemble, Speech("de-m_pink-10.wav"), null, false, null, null, table, TextWriter.Null, CancellationToken.None), Is.Zero);
        Assert.That(VadCommand.Run("vad", Speech("de-m_pink-10.wav"), Speech("de-m_pink-10.labels.txt"), true, Repository.Plugins, null, json, TextWriter.Null, CancellationToken.None), Is.Zero);

        using var document = JsonDocument.Parse(json.ToString());
        var fromJson = document.RootElement.GetProperty("segments").EnumerateArray()
            .Select(s => (s.GetProperty("start").GetDouble(), s.GetProperty("end").GetDouble())).ToList();
        var fromTable = SegmentLine().Matches(table.ToString()).Select(m => (Number(m.Groups[1].Value), Number(m.Groups[2].Value))).ToList();
        Assert.That(fromJson.Select(s => Math.Round(s.Item1, 3)), Is.EqualTo(fromTable.Select(s => s.Item1)));
        Assert.That(fromJson.Select(s => Math.Round(s.Item2, 3)), Is.EqualTo(fromTable.Select(s => s.Item2)));
        Assert.That(document.RootElement.GetProperty("durationSeconds").GetDouble(), Is.EqualTo(6.0).Within(1e-9));
        Assert.That(document.RootElement.GetProperty("frameScores").EnumerateArray().Select(e => e.GetProperty("name").GetString()), Does.Contain("fused"));
    }

    [TestCase("empty", "")]
    [TestCase("8-bit", "8-bit")]
    [TestCase("text", "RIFF")]
    [TestCase("missing", "")]
    public void Vad_refuses_bad_audio_with_a_clear_error(string kind, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-vad-{kind}-{Guid.NewGuid():N}.wav");
        try
        {
            switch (kind)
            {
                case "empty":
                    File.WriteAllBytes(path, []);
                    break;
                case "8-bit":
                    using (var sox = Process.Start("sox", ["-n", "-r", "16000", "-b", "8", "-c", "1", path, "synth", "0.5", "sine", "440"]))
                    {
                        sox.WaitForExit();
                    }

                    break;
                case "text":
                    File.WriteAllText(path, "this is not a wav file at all");
                    break;
            }

            var error = new StringWriter();
            var exitCode = VadCommand.Run(SpeechEnsemble, path, null, false, null, null, TextWriter.Null, error, CancellationToken.None);

            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.StartWith("chorus vad:").And.Contain(Path.GetFileName(path)).And.Contain(expected));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Vad_names_the_loaded_speech_ensembles_for_an_unknown_id()
    {
        var error = new StringWriter();
        var exitCode = VadCommand.Run("no-such", Speech("en-f_clean.wav"), null, false, Repository.Plugins, null, TextWriter.Null, error, CancellationToken.None);
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("no speech ensemble 'no-such'").And.Contain("vad"));
    }

    [Test]
    public async Task Eval_prints_a_condition_table_whose_mean_row_is_the_mean_of_the_conditions()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"chorus-eval-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var files = new[] { ("en-f_clean", "clean"), ("fr-f_clean", "clean"), ("en-f_white-0", "white-0"), ("es-m_babble-10", "babble-10") };
            foreach (var (name, _) in files)
            {
                File.Copy(Speech(name + ".wav"), Path.Combine(folder, name + ".wav"));
                File.Copy(Speech(name + ".labels.txt"), Path.Combine(folder, name + ".labels.txt"));
            }

            File.WriteAllLines(Path.Combine(folder, "index.csv"), ["file,condition", .. files.Select(f => $"{f.Item1}.wav,{f.Item2}")]);
            var output = new StringWriter();

            var exitCode = await EvalCommand.RunAsync(SpeechEnsemble, Path.Combine(folder, "index.csv"), null, null, 64, null, null, output, CancellationToken.None);

            var text = output.ToString();
            Assert.That(exitCode, Is.Zero, text);
            Assert.That(text, Does.Contain("| condition | files | silero-vad-v5 | silero-vad-v4 | energy-vad | fused |"));
            var rows = TableRow().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Value.Split('|').Select(c => Number(c.Trim())).ToArray());
            Assert.That(rows.Keys, Is.EqualTo(new[] { "clean", "babble-10", "white-0", "**mean over conditions**" }), text);
            Assert.That(TableRow().Matches(text).Select(m => m.Groups[2].Value), Is.EqualTo(new[] { "2", "1", "1", "4" }));
            for (var column = 0; column < 4; column++)
            {
                var mean = (rows["clean"][column] + rows["babble-10"][column] + rows["white-0"][column]) / 3;
                Assert.That(rows["**mean over conditions**"][column], Is.EqualTo(mean).Within(0.0011));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Eval_of_a_speech_ensemble_names_a_missing_label_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"chorus-eval-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.Copy(Speech("en-f_clean.wav"), Path.Combine(folder, "a.wav"));
            File.WriteAllLines(Path.Combine(folder, "index.csv"), ["file,condition", "a.wav,clean"]);
            var error = new StringWriter();
            var original = Console.Error;
            Console.SetError(error);
            try
            {
                var exitCode = await EvalCommand.RunAsync(SpeechEnsemble, Path.Combine(folder, "index.csv"), null, null, 64, null, null, TextWriter.Null, CancellationToken.None);
                Assert.That(exitCode, Is.EqualTo(1));
            }
            finally
            {
                Console.SetError(original);
            }

            Assert.That(error.ToString(), Does.Contain("a.labels.txt"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\d+\.\d{3})\s+(\d+\.\d{3})\s+(\d\.\d{3})\s*$", RegexOptions.Multiline)]
    private static partial Regex SegmentLine();

    [GeneratedRegex(@"^(\S+)\s+(\d\.\d{3})\s+(\d\.\d{3})\s+(\d\.\d{3})\s*$", RegexOptions.Multiline)]
    private static partial Regex ScoreLine();

    [GeneratedRegex(@"^\| (clean|[a-z]+-\d+|\*\*mean over conditions\*\*) \| (\d+) \| ([\d. |]+) \|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
