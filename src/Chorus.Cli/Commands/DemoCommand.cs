using System.CommandLine;
using Chorus.Cli.Data;
using Chorus.Cli.Evaluation;

namespace Chorus.Cli.Commands;

/// <summary>
/// <c>chorus demo</c>: the digits ensemble end to end. Stacking and selection are fitted on the validation split; every
/// member and strategy is then evaluated on the held-out test split, which nothing was trained or tuned on.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var ensemble = new Option<string>("--ensemble") { Description = "The ensemble file.", DefaultValueFactory = _ => Path.Combine("plugins", "digits.ensemble.json") };
        var data = new Option<string>("--data") { Description = "Folder with validation.csv and test.csv.", DefaultValueFactory = _ => Path.Combine("tests", "data", "digits") };
        var command = new Command("demo", "Evaluate the bundled digits ensemble on its held-out test split: each member and each fusion strategy.") { ensemble, data };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(ensemble)!, result.GetValue(data)!, Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string ensemblePath, string dataFolder, TextWriter output, CancellationToken cancellationToken)
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
                return 0;
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"chorus demo: {ex.Message}");
            return 1;
        }
    }
}
