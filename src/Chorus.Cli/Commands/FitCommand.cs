using System.CommandLine;
using System.Globalization;
using Chorus.Cli.Data;
using Chorus.Cli.Evaluation;
using Chorus.Fusion;
using Chorus.Hosting.Ensembles;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus fit ENSEMBLE --data CSV</c>: trains the stacking meta-model and the ensemble-selection weights.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var ensemble = new Argument<string>("ensemble") { Description = "An ensemble file (e.g. plugins/digits.ensemble.json)." };
        var data = new Option<string>("--data") { Description = "Labelled CSV the members were NOT trained on (e.g. tests/data/digits/validation.csv).", Required = true };
        var plugins = HostOptions.Plugins();
        var command = new Command("fit", "Train the stacking meta-model (C by stratified k-fold CV) and the ensemble-selection weights; write them beside the ensemble file.")
        {
            ensemble, data, plugins,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(ensemble)!, result.GetValue(data)!, result.GetValue(plugins), Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string ensembleName, string dataPath, string? pluginDirectory, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            var (host, ensemble) = HostOptions.OpenEnsemble(ensembleName, pluginDirectory, null);
            using (host)
            {
                if (ensemble.Members.Count != ensemble.Definition.Members.Count)
                {
                    throw new FormatException($"ensemble '{ensemble.Id}' is missing members ({string.Join("; ", host.EnsembleProblems)}); fit needs all of them.");
                }

                var samples = CsvSamples.Read(dataPath);
                var data = await EvaluationData.CollectAsync(ensemble, samples, dataPath, 64, new ProgressBar(samples.Count, "scoring"), cancellationToken).ConfigureAwait(false);
                var (stacking, selection) = Fit(data);
                using (var stream = File.Create(ensemble.Definition.StackingPath))
                {
                    stacking.Save(stream);
                }

                var file = new SelectionWeightsFile(SelectionWeightsFile.CurrentFormat, ensemble.Id, data.MemberIds, selection.Weights, "log_loss", selection.Trajectory);
                file.Save(ensemble.Definition.SelectionPath);

                var culture = CultureInfo.InvariantCulture;
                output.WriteLine($"fitted on {dataPath} ({data.Count} samples)");
                output.WriteLine($"stacking: C = {stacking.C.ToString("R", culture)} chosen by {stacking.Folds}-fold CV log loss " +
                    string.Join(", ", stacking.CGrid.Zip(stacking.CrossValidationLogLoss, (c, l) => $"C={c.ToString("R", culture)}: {l.ToString("0.0000", culture)}")));
                output.WriteLine($"  -> {ensemble.Definition.StackingPath}");
                output.WriteLine($"selection: weights {string.Join(", ", data.MemberIds.Zip(selection.Weights, (id, w) => $"{id} {w.ToString("0.00", culture)}"))} " +
                    $"(final log loss {selection.Trajectory[^1].ToString("0.0000", culture)})");
                output.WriteLine($"  -> {ensemble.Definition.SelectionPath}");
                return 0;
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"chorus fit: {ex.Message}");
            return 1;
        }
    }

    internal static (StackingModel Stacking, EnsembleSelectionResult Selection) Fit(EvaluationData data)
    {
        var all = Enumerable.Range(0, data.Count).ToArray();
        return (StrategyScores.FitStacking(data, all), StrategyScores.Select(data, all));
    }
}
