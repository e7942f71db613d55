using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Chorus.Audio;
using Chorus.Cli.Speech;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus vad ENSEMBLE FILE.wav [--reference LABELS] [--json]</c>: speech segments, and frame scores against labels.</summary>
internal static class VadCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public static Command Create()
    {
        var ensemble = new Argument<string>("ensemble") { Description = "A speech ensemble file (e.g. plugins/vad.speech.json) or a speech ensemble id." };
        var file = new Argument<string>("file") { Description = "A WAV file (PCM 16/24-bit or float, mono or stereo, 8–48 kHz; resampled to 16 kHz)." };
        var reference = new Option<string?>("--reference") { Description = "Audacity label file (start<TAB>end<TAB>label) with the true speech: prints frame precision, recall and F1 per member and fused." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var plugins = HostOptions.Plugins();
        var providers = HostOptions.Providers();
        var command = new Command("vad", "Detect speech in a WAV file with a speech ensemble: segments (start, end, confidence).")
        {
            ensemble, file, reference, json, plugins, providers,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(Run(
            result.GetValue(ensemble)!, result.GetValue(file)!, result.GetValue(reference), result.GetValue(json),
            result.GetValue(plugins), result.GetValue(providers), Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    internal static int Run(string ensembleName, string wavPath, string? referencePath, bool json, string? pluginDirectory, string[]? providers,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var (host, ensemble) = HostOptions.OpenSpeechEnsemble(ensembleName, pluginDirectory, providers);
            using (host)
            {
                var reference = referencePath is null ? null : VadScores.ReadReference(referencePath);
                var result = VadRunner.Run(ensemble, wavPath, cancellationToken);
                var scores = reference is null ? null : VadScores.Evaluate(result, reference);
                if (json)
                {
                    WriteJson(result, scores, output);
                    return 0;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"speech ensemble '{ensemble.Id}' on {wavPath}: {result.DurationSeconds:F2} s, members {string.Join(", ", result.Members)}"));
                foreach (var failure in result.FailedMembers)
                {
                    output.WriteLine($"member {failure.Key} failed and was left out: {failure.Value}");
                }

                output.WriteLine();
                output.WriteLine("   start      end  confidence");
                foreach (var segment in result.Fused)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{segment.StartSeconds,8:F3} {segment.EndSeconds,8:F3}  {segment.Confidence,10:F3}"));
                }

                output.WriteLine($"{result.Fused.Count} segment(s)");
                if (scores is not null)
                {
                    output.WriteLine();
                    output.WriteLine($"frame scores against {referencePath} (10 ms frames; members through the same segmenter):");
                    output.WriteLine($"{"",-16} precision  recall      F1");
                    foreach (var (name, score) in scores)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {score.Precision,9:F3} {score.Recall,7:F3} {score.F1,7:F3}"));
                    }
                }

                return 0;
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException or AudioFormatException or ArgumentException)
        {
            error.WriteLine($"chorus vad: {ex.Message}");
            return 1;
        }
    }

    private static void WriteJson(VadResult result, IReadOnlyList<(string Name, Chorus.Fusion.Frames.FrameScoreResult Score)>? scores, TextWriter output)
    {
        var document = new Dictionary<string, object?>
        {
            ["file"] = result.File,
            ["durationSeconds"] = result.DurationSeconds,
            ["members"] = result.Members,
            ["segments"] = result.Fused.Select(s => new { start = s.StartSeconds, end = s.EndSeconds, confidence = s.Confidence }),
            ["failedMembers"] = result.FailedMembers,
        };
        if (scores is not null)
        {
            document["frameScores"] = scores.Select(s => new { name = s.Name, precision = s.Score.Precision, recall = s.Score.Recall, f1 = s.Score.F1 });
        }

        output.WriteLine(JsonSerializer.Serialize(document, s_json));
    }
}
