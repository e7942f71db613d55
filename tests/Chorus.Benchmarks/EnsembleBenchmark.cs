using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chorus.Hosting;
using Chorus.Hosting.Ensembles;
using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>ensemble</c>: the overhead of the ensemble runner on the bundled digits ensemble. In each round, alternating: every
/// member's own <c>Predict</c> alone (their sum is the reference), the fused ensemble request (members concurrent, then
/// alignment and soft voting), and the same members run one after another on the calling thread and fused.
/// </summary>
internal static class EnsembleBenchmark
{
    public static async Task<int> RunAsync(CommandLine line)
    {
        var threads = line.GetInt("--threads", 1, 1);
        var rounds = line.GetInt("--rounds", 7, 1);
        var iterations = line.GetInt("--iterations", 400, 1);
        var outPath = line.GetString("--out");
        line.RejectUnknown();

        var root = BenchmarkFiles.RequireRepositoryRoot("plugins/ and tests/data/digits/");
        using var host = BenchmarkFiles.OpenPluginHost(root, new OrtEnvironmentOptions { IntraOpThreads = threads });
        var ensemble = host.GetEnsemble("digits");
        var rows = BenchmarkFiles.ReadDigitsTestRows(root);

        var report = new StringBuilder();
        report.AppendLine("## Ensemble overhead: the digits ensemble against its members' own runs");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe(OrtEnvironment.Instance.Version)}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Settings: global intra-op pool of {threads} thread(s); members {string.Join(", ", ensemble.Members.Select(m => m.PluginId))}; soft voting; {rounds} rounds x {iterations} iterations per measurement, alternating");
        report.AppendLine(("Command: dotnet run -c Release --project tests/Chorus.Benchmarks -- ensemble " + string.Join(' ', line.Arguments)).TrimEnd());
        report.AppendLine();
        report.AppendLine("| batch | member runs alone, µs (sum) | fused ensemble, µs | ratio fused / sum | members one after another + fusion, µs | concurrent / sequential |");
        report.AppendLine("|---:|---|---:|---:|---:|---:|");
        var verdicts = new List<string>();
        foreach (var batch in new[] { 1, 64 })
        {
            var samples = rows.Take(batch).SelectMany(r => r).ToArray();
            var members = ensemble.Models;
            var scores = members.Select(m => new float[batch * m.Labels.Count]).ToArray();
            var memberMeans = members.Select(_ => new List<double>()).ToArray();
            var fusedMeans = new List<double>();
            var sequentialMeans = new List<double>();
            for (var round = -1; round < rounds; round++)
            {
                // Round -1 warms up everything and is not counted.
                for (var m = 0; m < members.Count; m++)
                {
                    var started = Stopwatch.GetTimestamp();
                    for (var i = 0; i < iterations; i++)
                    {
                        members[m].Predict(samples, batch, scores[m]);
                    }

                    Record(memberMeans[m], round, started, iterations);
                }

                var fusedStart = Stopwatch.GetTimestamp();
                for (var i = 0; i < iterations; i++)
                {
                    _ = await ensemble.PredictAsync(samples, batch);
                }

                Record(fusedMeans, round, fusedStart, iterations);

                var sequentialStart = Stopwatch.GetTimestamp();
                for (var i = 0; i < iterations; i++)
                {
                    var runs = new MemberRun[members.Count];
                    for (var m = 0; m < members.Count; m++)
                    {
                        var memberStart = Stopwatch.GetTimestamp();
                        var output = new float[batch * members[m].Labels.Count];
                        members[m].Predict(samples, batch, output);
                        runs[m] = new MemberRun(m, members[m].Id, output, Stopwatch.GetElapsedTime(memberStart), null);
                    }

                    for (var s = 0; s < batch; s++)
                    {
                        _ = ensemble.Fuse(runs, s, FusionStrategyKind.Soft);
                    }
                }

                Record(sequentialMeans, round, sequentialStart, iterations);
            }

            var memberMedians = memberMeans.Select(Statistics.Median).ToArray();
            var sum = memberMedians.Sum();
            var fused = Statistics.Median(fusedMeans);
            var sequential = Statistics.Median(sequentialMeans);
            var culture = CultureInfo.InvariantCulture;
            report.AppendLine(string.Create(culture,
                $"| {batch} | {string.Join(" + ", memberMedians.Select(v => v.ToString("0.0", culture)))} = {sum:0.0} | {fused:0.0} | {fused / sum:0.000} | {sequential:0.0} | {fused / sequential:0.000} |"));
            if (batch == 1)
            {
                verdicts.Add(string.Create(culture, $"{(fused / sum <= 1.10 ? "PASS" : "MISS")} batch 1: fused / sum of member runs = {fused / sum:0.000} (target <= 1.10)"));
            }
            else
            {
                verdicts.Add(string.Create(culture, $"{(fused < sequential ? "PASS" : "MISS")} batch {batch}: concurrent members {fused:0.0} µs vs sequential {sequential:0.0} µs (target: concurrent faster)"));
            }
        }

        report.AppendLine();
        report.AppendLine("µs: median over rounds of each round's mean per request. 'Members alone' call each IModel.Predict directly; 'fused' is Ensemble.PredictAsync (members on their own worker threads with their timeouts, label alignment, soft voting, result objects).");
        report.AppendLine();
        foreach (var verdict in verdicts)
        {
            report.AppendLine(verdict);
        }

        Console.Write(report.ToString());
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, report.ToString());
        }

        return 0;
    }

    private static void Record(List<double> means, int round, long started, int iterations)
    {
        if (round >= 0)
        {
            means.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations);
        }
    }
}
