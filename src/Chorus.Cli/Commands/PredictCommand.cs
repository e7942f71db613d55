using System.CommandLine;
using System.Globalization;
using Chorus.Cli.Data;
using Chorus.Hosting.Ensembles;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus predict ENSEMBLE INPUT</c>: one sample (a CSV row, or a PGM/PNG picture of a digit) through an ensemble.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var ensemble = new Argument<string>("ensemble") { Description = "An ensemble file (e.g. plugins/digits.ensemble.json) or an ensemble id." };
        var input = new Argument<string>("input") { Description = "A CSV row of values (e.g. 0,0,5,13,...), a .csv file (first row used), or a .pgm/.png picture of a digit." };
        var strategy = new Option<string?>("--strategy") { Description = "soft, hard, stacking or selection (default: the ensemble's)." };
        var plugins = HostOptions.Plugins();
        var providers = HostOptions.Providers();
        var command = new Command("predict", "Predict one sample with an ensemble; prints the decision, fused scores and each member's answer.")
        {
            ensemble, input, strategy, plugins, providers,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(ensemble)!, result.GetValue(input)!, result.GetValue(strategy),
            result.GetValue(plugins), result.GetValue(providers), Console.Out, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(string ensembleName, string input, string? strategyName, string? pluginDirectory, string[]? providers,
        TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            var (host, ensemble) = HostOptions.OpenEnsemble(ensembleName, pluginDirectory, providers);
            using (host)
            {
                var strategy = ensemble.Strategy;
                if (strategyName is not null && (!Chorus.Plugins.ManifestText.TryParseName(strategyName, out strategy) || !ensemble.AvailableStrategies.Contains(strategy)))
                {
                    throw new FormatException($"strategy '{strategyName}' is not available for ensemble '{ensemble.Id}'; available: {string.Join(", ", ensemble.AvailableStrategies).ToLowerInvariant()} (stacking and selection need 'chorus fit').");
                }

                var sample = ReadSample(input, ensemble.SampleSize);
                var runs = await ensemble.RunMembersAsync(sample, 1, cancellationToken).ConfigureAwait(false);
                var prediction = ensemble.Fuse(runs, 0, strategy);
                Print(prediction, output);
                return 0;
            }
        }
        catch (Exception ex) when (ex is ChorusException or FormatException or IOException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"chorus predict: {ex.Message}");
            return 1;
        }
    }

    private static float[] ReadSample(string input, int sampleSize)
    {
        var extension = Path.GetExtension(input).ToLowerInvariant();
        if (extension is ".pgm" or ".png")
        {
            var counts = DigitImage.ToDigitCounts(input);
            return counts.Length == sampleSize
                ? counts
                : throw new FormatException($"a digit picture gives 64 values, but the ensemble takes {sampleSize}.");
        }

        if (extension == ".csv" && File.Exists(input))
        {
            var samples = CsvSamples.Read(input);
            return samples.SampleSize == sampleSize
                ? samples.Rows(0, 1).ToArray()
                : throw new FormatException($"'{input}' has {samples.SampleSize} value columns; the ensemble takes {sampleSize}.");
        }

        return CsvSamples.ParseRow(input, sampleSize);
    }

    private static void Print(FusedPrediction prediction, TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"decision   {prediction.Label ?? "(none)"}   ({prediction.Strategy.ToString().ToLowerInvariant()}, agreement {prediction.Agreement.ToString("P0", culture)}{(prediction.IsTie ? ", tie broken by label order" : string.Empty)})");
        output.WriteLine($"{"label",-8}{"fused",8}  {string.Join("  ", prediction.Members.Select(m => $"{m.MemberId,14}"))}");
        for (var k = 0; k < prediction.Labels.Count; k++)
        {
            output.Write($"{prediction.Labels[k],-8}{prediction.Scores[k].ToString("0.0000", culture),8}");
            foreach (var member in prediction.Members)
            {
                output.Write($"  {(member.Scores is null ? "-" : member.Scores[k].ToString("0.0000", culture)),14}");
            }

            output.WriteLine();
        }

        foreach (var member in prediction.Members)
        {
            output.WriteLine($"{member.MemberId}: {member.Latency.TotalMilliseconds.ToString("0.00", culture)} ms{(member.Error is null ? string.Empty : $", {member.Error}")}");
        }

        if (prediction.IsDegraded)
        {
            output.WriteLine($"degraded: {string.Join(", ", prediction.ExcludedMembers)} did not contribute");
        }
    }
}
