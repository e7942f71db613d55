using System.Globalization;
using System.Text;

namespace Chorus.Cli.Evaluation;

/// <summary>Prints the evaluation table and writes the per-sample predictions file.</summary>
internal static class EvaluationReport
{
    public static void PrintTable(IReadOnlyList<ScoreRow> rows, TextWriter output)
    {
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine($"| {"model / strategy",-26} | {"kind",-9} | {"accuracy",8} | {"macro F1",8} | {"log loss",8} |");
        output.WriteLine($"|{new string('-', 28)}|{new string('-', 11)}|{new string('-', 10)}|{new string('-', 10)}|{new string('-', 10)}|");
        foreach (var row in rows)
        {
            output.WriteLine($"| {row.Name,-26} | {row.Kind,-9} | {row.Accuracy.ToString("0.0000", culture),8} | {Format(row.MacroF1),8} | {Format(row.LogLoss),8} |");
        }

        var members = rows.Where(r => r.Kind == "member").ToList();
        var strategies = rows.Where(r => r.Kind != "member").ToList();
        if (members.Count > 0 && strategies.Count > 0)
        {
            var bestAccuracy = members.MaxBy(r => r.Accuracy)!;
            var bestLogLoss = members.Where(r => double.IsFinite(r.LogLoss)).MinBy(r => r.LogLoss);
            output.WriteLine();
            output.WriteLine($"best member: {bestAccuracy.Name} by accuracy ({bestAccuracy.Accuracy.ToString("0.0000", culture)}), {bestLogLoss?.Name} by log loss ({Format(bestLogLoss?.LogLoss ?? double.NaN)})");
            foreach (var strategy in strategies)
            {
                var beatsLoss = bestLogLoss is not null && strategy.LogLoss < bestLogLoss.LogLoss;
                var matchesAccuracy = strategy.Accuracy >= bestAccuracy.Accuracy;
                output.WriteLine($"{strategy.Name}: log loss {(beatsLoss ? "better" : "not better")} than the best member, accuracy {(matchesAccuracy ? "matches or beats" : "below")} it");
            }
        }

        static string Format(double value) => double.IsFinite(value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";
    }

    /// <summary>Per sample: the true label, each member's scores, then each strategy's fused scores; label names in the header.</summary>
    public static void WritePredictions(string path, EvaluationData data, IReadOnlyList<ScoreRow> rows)
    {
        var culture = CultureInfo.InvariantCulture;
        var header = new StringBuilder("index,true_label");
        foreach (var row in rows)
        {
            foreach (var label in data.Labels)
            {
                header.Append(',').Append(row.Name).Append(':').Append(label);
            }
        }

        using var writer = new StreamWriter(path);
        writer.WriteLine(header.ToString());
        var line = new StringBuilder();
        for (var i = 0; i < data.Count; i++)
        {
            line.Clear().Append(i.ToString(culture)).Append(',').Append(data.Labels[data.Truth[i]]);
            foreach (var row in rows)
            {
                for (var k = 0; k < data.ClassCount; k++)
                {
                    line.Append(',').Append(row.Probabilities[(i * data.ClassCount) + k].ToString("R", culture));
                }
            }

            writer.WriteLine(line.ToString());
        }
    }
}
