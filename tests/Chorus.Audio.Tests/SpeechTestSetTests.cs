using System.Diagnostics;
using System.Globalization;
using Chorus.Tests;

namespace Chorus.Audio.Tests;

/// <summary>
/// The committed speech test set (tests/data/speech, made by make_speech_testset.py): the index, WAVs and labels agree,
/// the labels and SNRs are what the script says they are, and re-running the script reproduces the files.
/// </summary>
[TestFixture]
public sealed class SpeechTestSetTests
{
    private static readonly string[] s_conditions =
        ["clean", "white-20", "white-10", "white-0", "pink-20", "pink-10", "pink-0", "babble-20", "babble-10", "babble-0"];

    private static string DataDirectory => Path.Combine(RepositoryRoot.Path, "tests", "data", "speech");

    private sealed record Row(string File, string Condition, string Noise, int? SnrDb, string Voice, string Language, double DurationSeconds);

    private static List<Row> ReadIndex(string directory)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "index.csv"));
        Assert.That(lines[0], Is.EqualTo("file,condition,noise,snr_db,voice,language,duration_s"));
        return lines.Skip(1).Select(line =>
        {
            var f = line.Split(',');
            Assert.That(f, Has.Length.EqualTo(7), line);
            return new Row(
                f[0],
                f[1],
                f[2],
                f[3].Length == 0 ? null : int.Parse(f[3], CultureInfo.InvariantCulture),
                f[4],
                f[5],
                double.Parse(f[6], CultureInfo.InvariantCulture));
        }).ToList();
    }

    private static IEnumerable<string> Files() => ReadIndex(DataDirectory).Select(r => r.File);

    [Test]
    public void The_index_holds_every_condition_for_every_source()
    {
        var rows = ReadIndex(DataDirectory);

        Assert.That(rows, Has.Count.EqualTo(40));
        Assert.That(rows.Select(r => r.Condition).Distinct(), Is.EquivalentTo(s_conditions));
        Assert.That(rows.GroupBy(r => r.Condition).Select(g => g.Count()), Is.All.EqualTo(4));
        Assert.That(rows.Select(r => r.Language).Distinct(), Is.EquivalentTo(new[] { "en", "de", "fr", "es" }));
        Assert.That(rows.Select(r => r.Voice).Distinct().Count(), Is.EqualTo(4));
        foreach (var row in rows)
        {
            var expectedCondition = row.SnrDb is { } snr ? $"{row.Noise}-{snr.ToString(CultureInfo.InvariantCulture)}" : "clean";
            Assert.That(row.Condition, Is.EqualTo(expectedCondition), row.File);
            Assert.That(row.Noise == "none", Is.EqualTo(row.SnrDb is null), row.File);
        }
    }

    [Test]
    public void The_committed_set_is_at_most_8_MB()
    {
        var bytes = new DirectoryInfo(DataDirectory).EnumerateFiles().Sum(f => f.Length);

        Assert.That(bytes, Is.LessThanOrEqualTo(8_000_000));
    }

    [TestCaseSource(nameof(Files))]
    public void Each_file_is_16_kHz_mono_16_bit_of_the_indexed_duration_with_labels_inside_it(string file)
    {
        var row = ReadIndex(DataDirectory).Single(r => r.File == file);
        var audio = WavReader.Read(Path.Combine(DataDirectory, file));
        var labels = SpeechLabels.Read(Path.Combine(DataDirectory, Path.ChangeExtension(file, ".labels.txt")));

        Assert.That(audio.Source.SampleRate, Is.EqualTo(16000));
        Assert.That(audio.Source.Channels, Is.EqualTo(1));
        Assert.That(audio.Source.BitsPerSample, Is.EqualTo(16));
        Assert.That(audio.Source.Encoding, Is.EqualTo(WavSampleEncoding.PcmInteger));
        Assert.That(audio.Duration.TotalSeconds, Is.EqualTo(row.DurationSeconds).Within(0.001));
        Assert.That(labels, Has.Count.EqualTo(3), "three sentences per file");
        Assert.That(labels[0].Start, Is.GreaterThanOrEqualTo(0.2));
        Assert.That(labels[^1].End, Is.LessThanOrEqualTo(row.DurationSeconds - 0.3 + 1e-9));
    }

    [Test]
    public void In_the_clean_files_the_labels_cover_exactly_the_non_silent_samples()
    {
        foreach (var row in ReadIndex(DataDirectory).Where(r => r.Condition == "clean"))
        {
            var samples = WavReader.Read(Path.Combine(DataDirectory, row.File)).Samples.ToArray();
            var labels = SpeechLabels.Read(Path.Combine(DataDirectory, Path.ChangeExtension(row.File, ".labels.txt")));
            var inside = new bool[samples.Length];
            foreach (var (start, end) in labels)
            {
                var first = (int)Math.Round(start * 16000);
                var last = (int)Math.Round(end * 16000);
                Array.Fill(inside, true, first, last - first);

                // The label's first and last 10 ms hold speech: each within 40 dB of the sentence's loudest 10 ms
                // (the trimming rule), so certainly not silent.
                Assert.That(Rms(samples.AsSpan(first, 160)), Is.GreaterThan(1e-4), $"{row.File}: start of {start}-{end}");
                Assert.That(Rms(samples.AsSpan(last - 160, 160)), Is.GreaterThan(1e-4), $"{row.File}: end of {start}-{end}");
            }

            var outside = samples.Where((_, i) => !inside[i]).ToArray();
            Assert.That(outside, Is.All.EqualTo(0f), $"{row.File}: outside the labels is digital silence");
        }
    }

    [Test]
    public void The_noisy_files_have_the_indexed_SNR_over_the_labelled_speech()
    {
        var rows = ReadIndex(DataDirectory);
        foreach (var row in rows.Where(r => r.SnrDb is not null))
        {
            var source = row.File[..row.File.IndexOf('_', StringComparison.Ordinal)];
            var clean = WavReader.Read(Path.Combine(DataDirectory, source + "_clean.wav")).Samples.ToArray();
            var noisy = WavReader.Read(Path.Combine(DataDirectory, row.File)).Samples.ToArray();
            var labels = SpeechLabels.Read(Path.Combine(DataDirectory, Path.ChangeExtension(row.File, ".labels.txt")));

            // No mix was scaled (every peak is below 0.99), so noise = noisy − clean up to 16-bit rounding.
            double speechPower = 0, noisePower = 0;
            foreach (var (start, end) in labels)
            {
                for (var i = (int)Math.Round(start * 16000); i < (int)Math.Round(end * 16000); i++)
                {
                    speechPower += clean[i] * (double)clean[i];
                    var n = noisy[i] - (double)clean[i];
                    noisePower += n * n;
                }
            }

            var snr = 10 * Math.Log10(speechPower / noisePower);
            Assert.That(snr, Is.EqualTo(row.SnrDb!.Value).Within(0.05), row.File);
        }
    }

    [Test]
    [Category("Integration")]
    public void Rerunning_the_script_reproduces_the_committed_files_byte_for_byte()
    {
        foreach (var tool in new[] { "espeak-ng", "sox", "/usr/bin/python3" })
        {
            if (!OnPath(tool))
            {
                Assert.Ignore($"{tool} is not installed (apt-get install -y espeak-ng sox python3-numpy); the committed files are still checked by the other tests.");
            }
        }

        var output = Path.Combine(Path.GetTempPath(), "chorus-speech-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                ArgumentList = { Path.Combine(DataDirectory, "make_speech_testset.py"), "--out", output },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            Assert.That(process.WaitForExit(120_000), Is.True, "the script finishes within 2 minutes");
            Assert.That(process.ExitCode, Is.Zero, stderr.Result);

            var committed = ReadIndex(DataDirectory);
            Assert.That(File.ReadAllText(Path.Combine(output, "index.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(DataDirectory, "index.csv"))));
            foreach (var row in committed)
            {
                var labels = Path.ChangeExtension(row.File, ".labels.txt");
                Assert.That(File.ReadAllText(Path.Combine(output, labels)), Is.EqualTo(File.ReadAllText(Path.Combine(DataDirectory, labels))), labels);
                Assert.That(File.ReadAllBytes(Path.Combine(output, row.File)), Is.EqualTo(File.ReadAllBytes(Path.Combine(DataDirectory, row.File))), row.File);
            }
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static bool OnPath(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator).Any(directory => File.Exists(Path.Combine(directory, tool)));
    }
}
