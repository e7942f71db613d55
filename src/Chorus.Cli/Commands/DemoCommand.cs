using System.CommandLine;
using Chorus.Cli.Data;
using Chorus.Cli.Evaluation;

namespace Chorus.Cli.Commands;

/// <summary>
/// <c>chorus demo</c>: the digits ensemble end to end (stacking and selection are fitted on the validation split; every
/// member and strategy is then evaluated on the held-out test split, which nothing was trained or tuned on), then the
/// speech ensemble streamed over the speech test set (frame F1 per noise condition, per member and fused).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var ensemble = new Option<string>("--ensemble") { Description = "The ensemble file.", DefaultValueFactory = _ => Path.Combine("plugins", "digits.ensemble.json") };
        var data = new Option<string>("--data") { Description = "Folder with validation.csv and test.csv.", DefaultValueFactory = _ => Path.Combine("tests", "data", "digits") };
        var speech = new Option<string>("--speech-ensemble") { Description = "The speech ensemble file (empty: leave the speech part out).", DefaultValueFactory = _ => Path.Combine("plugins", "vad.speech.json") };
        var speechData = new Option<string>("--speech-data") { Description = "The speech test set's index.csv.", DefaultValueFactory = _ => Path.Combine("tests", "data", "speech", "index.csv") };
        var command = new Command("demo", "Evaluate the bundled digits ensemble on its held-out test split (each member and each fusion strategy), then the speech ensemble on the speech test set.")
        {
            ensemble, data, speech, speechData,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(ensemble)!, result.GetValue(data)!, Console.Out, cancellationToken,
            result.GetValue(speech), result.GetValue(speechData)));
        return command;
    }

    internal static async Task<int> RunAsync(string ensemblePath, string dataFolder, TextWriter output, CancellationToken cancellationToken,
        string? speechEnsemblePath = null, string? speechIndexPath = null)
    {
        try
        {
            var (host, ensemble) = HostOptions.OpenEnsemble(ensemblePath, null, null);
            using (host)
            {
                foreach (var problem in host.EnsembleProblems)
                {
                    output.WriteLine($"warning: {problem}");
                }

                var validationPath = Path.Combine(dataFolder, "validation.csv");
                var testPath = Path.Combine(dataFolder, "test.csv");
                var validation = await EvaluationData.CollectAsync(ensemble, CsvSamples.Read(validationPath), validationPath, 64, null, cancellationToken).ConfigureAwait(false);
                var (stacking, selection) = FitCommand.Fit(validation);
                var test = await EvaluationData.CollectAsync(ensemble, CsvSamples.Read(testPath), testPath, 64, null, cancellationToken).ConfigureAwait(false);
                var rows = EvaluationTable.Build(test, ensemble.Members.Select(m => m.Weight).ToArray(), null, stacking, selection.Weights);

                output.WriteLine($"Chorus demo: ensemble '{ensemble.Id}' ({string.Join(", ", ensemble.Members.Select(m => m.PluginId))})");
                output.WriteLine($"stacking (C = {stacking.C}) and selection fitted on {validationPath} ({validation.Count} samples); evaluated on the held-out {testPath} ({test.Count} samples)");
                output.WriteLine();
                EvaluationReport.PrintTable(rows, output);
            }

            if (string.IsNullOrEmpty(speechEnsemblePath))
            {
                return 0;
            }

            output.WriteLine();
            output.WriteLine($"Chorus demo: speech ensemble {speechEnsemblePath} streamed over {speechIndexPath} (per-member and fused frame F1 by noise condition)");
            var (speechHost, speech) = HostOptions.OpenSpeechEnsemble(speechEnsemblePath, null, null);
            using (speechHost)
            {
                return Speech.VadEvaluation.Run(speech, speechIndexPath ?? Path.Combine("tests", "data", "speech", "index.csv"), output, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException or Chorus.Audio.AudioFormatException)
        {
            Console.Error.WriteLine($"chorus demo: {ex.Message}");
            return 1;
        }
    }
}
