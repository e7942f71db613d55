using System.CommandLine;
using Chorus.Cli.Data;
using Chorus.Cli.Evaluation;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus eval ENSEMBLE --data CSV [--folds K] [--predictions OUT.csv]</c>.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var ensemble = new Argument<string>("ensemble") { Description = "An ensemble file (e.g. plugins/digits.ensemble.json) or an ensemble id." };
        var data = new Option<string>("--data") { Description = "Labelled CSV (header, one sample per row, a 'label' column); for a speech ensemble (*.speech.json), a test-set index.csv (file,condition,...) with NAME.labels.txt beside each WAV.", Required = true };
        var folds = new Option<int?>("--folds") { Description = "Cross-validate stacking and selection on this data with K stratified folds (instead of using the fitted files)." };
        var predictions = new Option<string?>("--predictions") { Description = "Write per-sample true label, member scores and fused scores to this CSV." };
        var batch = new Option<int>("--batch") { Description = "Samples per run (default 64).", DefaultValueFactory = _ => 64 };
        var plugins = HostOptions.Plugins();
        var providers = HostOptions.Providers();
        var command = new Command("eval", "Evaluate each member and each fusion strategy of an ensemble on labelled data: accuracy, macro F1, log loss.")
        {
            ensemble, data, folds, predictions, batch, plugins, providers,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(ensemble)!, result.GetValue(data)!, result.GetValue(folds), result.GetValue(predictions), result.GetValue(batch),
            result.GetValue(plugins), result.GetValue(providers), Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string ensembleName, string dataPath, int? folds, string? predictionsPath, int batch,
        string? pluginDirectory, string[]? providers, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            if (folds is < 2)
            {
                throw new FormatException("--folds must be at least 2.");
            }

            if (batch < 1)
            {
                throw new FormatException("--batch must be at least 1.");
            }

            if (HostOptions.IsSpeechEnsemble(ensembleName, pluginDirectory))
            {
                var (speechHost, speech) = HostOptions.OpenSpeechEnsemble(ensembleName, pluginDirectory, providers);
                using (speechHost)
                {
                    return Speech.VadEvaluation.Run(speech, dataPath, output, cancellationToken);
                }
            }

            var (host, ensemble) = HostOptions.OpenEnsemble(ensembleName, pluginDirectory, providers);
            using (host)
            {
                var samples = CsvSamples.Read(dataPath);
                var data = await EvaluationData.CollectAsync(ensemble, samples, dataPath, batch, new ProgressBar(samples.Count, "evaluating"), cancellationToken).ConfigureAwait(false);
                var rows = EvaluationTable.Build(data, ensemble.Members.Select(m => m.Weight).ToArray(), folds, ensemble.StackingModel, ensemble.SelectionWeights);
                output.WriteLine($"ensemble '{ensemble.Id}' on {dataPath}: {data.Count} samples, {data.MemberCount} members");
                if (folds is null && (ensemble.StackingModel is null || ensemble.SelectionWeights is null))
                {
                    output.WriteLine("(stacking / selection not fitted: run 'chorus fit', or pass --folds K to cross-validate them on this data)");
                }

                output.WriteLine();
                EvaluationReport.PrintTable(rows, output);
                if (predictionsPath is not null)
                {
                    EvaluationReport.WritePredictions(predictionsPath, data, rows);
                    output.WriteLine($"predictions written to {predictionsPath}");
                }

                return 0;
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException or Chorus.Audio.AudioFormatException)
        {
            Console.Error.WriteLine($"chorus eval: {ex.Message}");
            return 1;
        }
    }
}
