using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Hosting.Scheduling;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>load</c>: drives real servers over HTTP on loopback with N concurrent clients for a fixed time, each sending v2 JSON
/// infer requests of one real digits row (tests/data/digits/test.csv), and prints throughput, p50/p99 latency, errors
/// and the server's RSS before and after each run. Servers run as child processes of this program:
/// ChorusServer over plugins/ (the digits ensemble, digits-mlp), the same with dynamic batching on digits-mlp, and the
/// reference, a bare ASP.NET Core endpoint calling the MLP through InferenceSession (<see cref="BareInferenceServer"/>).
/// </summary>
internal static partial class LoadBenchmark
{
    private const string MlpLabels = "model=\"digits-mlp\",version=\"1.0.0\"";
    private const string BareName = "bare ASP.NET Core + InferenceSession";

    public static async Task<int> RunAsync(CommandLine line)
    {
        var duration = TimeSpan.FromSeconds(line.GetInt("--duration", 30, 1));
        var warmup = TimeSpan.FromSeconds(line.GetInt("--warmup", 5, 0));
        var levels = ParseLevels(line.GetString("--concurrency") ?? "1,8,32");
        var batchedLevels = ParseLevels(line.GetString("--batched-concurrency") ?? "32");
        var batchingText = line.GetString("--batching") ?? "32,1ms";
        var rounds = line.GetInt("--rounds", 5, 1);
        var outPath = line.GetString("--out");
        line.RejectUnknown();
        try
        {
            DynamicBatchingOptions.Parse(batchingText);
        }
        catch (FormatException ex)
        {
            throw new BenchmarkException($"--batching: {ex.Message}", exitCode: 2);
        }

        var root = BenchmarkFiles.RequireRepositoryRoot("plugins/ and tests/data/digits/");
        var plugins = Path.Combine(root, "plugins");
        var rows = BenchmarkFiles.ReadDigitsTestRows(root);

        var report = new StringBuilder();
        report.AppendLine("## Serving load: ChorusServer against a bare ASP.NET Core endpoint, and dynamic batching on and off");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe(Chorus.OnnxRuntime.OrtEnvironment.Instance.Version)}");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Settings: {duration.TotalSeconds} s per run in {rounds} rounds alternating with the targets it is compared with, after {warmup.TotalSeconds} s warm-up each; one digits row per request (v2 JSON, FP32 [1,64]), rows of tests/data/digits/test.csv in turn; servers are child processes on 127.0.0.1; batching {batchingText} on digits-mlp in the batched server");
        report.AppendLine("Command: " + line.RerunCommand());
        report.AppendLine();
        report.AppendLine("| server | model | clients | requests | req/s | p50 ms | p99 ms | errors | server RSS before → after, MiB | avg batch | server CPU µs/req |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|");
        Console.Write(report.ToString());

        var results = new List<RunResult>();
        void Add(RunResult result)
        {
            results.Add(result);
            var row = result.Row();
            report.AppendLine(row);
            Console.WriteLine(row);
        }

        var mlpBodies = Bodies(rows, "pixels");
        var ensembleBodies = Bodies(rows, "input");
        await using var chorus = await LoadServerProcess.StartAsync(["load-serve-chorus", "--plugins", plugins]);
        await using var bare = await LoadServerProcess.StartAsync(["load-serve-bare", "--model", Path.Combine(plugins, "digits-mlp", "model.onnx")]);
        await using var batched = await LoadServerProcess.StartAsync(["load-serve-chorus", "--plugins", plugins, "--batching", "digits-mlp=" + batchingText]);
        var chorusFirst = await FirstScoresAsync(chorus.Address, mlpBodies[0]);
        var bareFirst = await FirstScoresAsync(bare.Address, mlpBodies[0]);

        // Targets compared with each other run in alternating rounds, so drifting load on a shared machine hits them alike.
        foreach (var clients in levels)
        {
            foreach (var result in await CompareAsync(
                [
                    new Target("chorus", "digits", chorus, ensembleBodies, MetricsLabels: null),
                    new Target("chorus", "digits-mlp", chorus, mlpBodies, MlpLabels),
                    new Target(BareName, "digits-mlp", bare, mlpBodies, MetricsLabels: null),
                ], clients, duration, warmup, rounds))
            {
                Add(result);
            }
        }

        foreach (var clients in batchedLevels)
        {
            foreach (var result in await CompareAsync(
                [
                    new Target("chorus, batching off", "digits-mlp", chorus, mlpBodies, MlpLabels),
                    new Target("chorus, batching " + batchingText, "digits-mlp", batched, mlpBodies, MlpLabels),
                ], clients, duration, warmup, rounds))
            {
                Add(result);
            }
        }

        var verdicts = new List<string>();
        var difference = chorusFirst.Zip(bareFirst, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(float.PositiveInfinity).Max();
        verdicts.Add(string.Create(CultureInfo.InvariantCulture,
            $"Same answer check: the bare endpoint's scores for row 0 differ from ChorusServer's digits-mlp by at most {difference:G3} ({(chorusFirst.Length == 10 && difference < 1e-5 ? "same work" : "DIFFERENT: the comparison is not fair")})."));
        foreach (var clients in levels)
        {
            var served = results.Single(r => r.Server == "chorus" && r.Model == "digits-mlp" && r.Clients == clients);
            var reference = results.Single(r => r.Server == BareName && r.Clients == clients);
            var ratio = served.Throughput / reference.Throughput;
            verdicts.Add(string.Create(CultureInfo.InvariantCulture,
                $"Chorus / bare throughput at {clients} client(s): {ratio:F2} (target ≥ 0.8: {(ratio >= 0.8 ? "met" : "missed")})."));
        }

        foreach (var clients in batchedLevels)
        {
            var on = results.Single(r => r.Server.StartsWith("chorus, batching " + batchingText, StringComparison.Ordinal) && r.Clients == clients);
            var off = results.Single(r => r.Server == "chorus, batching off" && r.Clients == clients);
            var ratio = on.Throughput / off.Throughput;
            verdicts.Add(string.Create(CultureInfo.InvariantCulture,
                $"Batching on / off throughput for digits-mlp at {clients} clients: {ratio:F2} (target ≥ 2: {(ratio >= 2 ? "met" : "missed")})."));
        }

        var errors = results.Sum(r => r.Errors);
        verdicts.Add(errors == 0 ? "Errors: none (target: zero, met)." : $"Errors: {errors} (target: zero, MISSED). First: {results.First(r => r.Errors > 0).FirstError}");
        report.AppendLine();
        foreach (var verdict in verdicts)
        {
            report.AppendLine("- " + verdict);
            Console.WriteLine("- " + verdict);
        }

        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, report.ToString());
        }

        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// Warms each target, then measures them in <paramref name="rounds"/> rounds of <paramref name="duration"/> / rounds
    /// each, in a rotating order; each target's figures add up its rounds.
    /// </summary>
    private static async Task<List<RunResult>> CompareAsync(IReadOnlyList<Target> targets, int clients, TimeSpan duration, TimeSpan warmup, int rounds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var state = targets.Select(t => new TargetState(t)).ToArray();
        foreach (var target in state)
        {
            if (warmup > TimeSpan.Zero)
            {
                await DriveAsync(http, target.Uri, target.Target.Bodies, clients, warmup);
            }

            target.RssBefore = target.Target.Process.ResidentBytes;
            target.CountersBefore = target.Target.MetricsLabels is { } labels ? await ScrapeAsync(http, target.Target.Process.Address, labels) : default;
        }

        var segment = duration / rounds;
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < state.Length; k++)
            {
                var target = state[(round + k) % state.Length];
                var cpuBefore = target.Target.Process.CpuTime;
                var clock = Stopwatch.StartNew();
                var outcome = await DriveAsync(http, target.Uri, target.Target.Bodies, clients, segment);
                target.Elapsed += clock.Elapsed;
                target.Cpu += target.Target.Process.CpuTime - cpuBefore;
                target.Latencies.AddRange(outcome.Latencies);
                target.Errors += outcome.Errors;
                target.FirstError ??= outcome.FirstError;
            }
        }

        var results = new List<RunResult>();
        foreach (var target in state)
        {
            var after = target.Target.Process.ResidentBytes;
            double? averageBatch = null;
            if (target.Target.MetricsLabels is { } labels)
            {
                // The server's own counters over warm-up's end to now: rows per model execution.
                var countersAfter = await ScrapeAsync(http, target.Target.Process.Address, labels);
                var executions = countersAfter.Executions - target.CountersBefore.Executions;
                averageBatch = executions > 0 ? (countersAfter.Inferences - target.CountersBefore.Inferences) / executions : null;
            }

            var latencies = target.Latencies.ToArray();
            results.Add(new RunResult(target.Target.Server, target.Target.Model, clients, latencies.Length, latencies.Length / target.Elapsed.TotalSeconds,
                latencies.Length > 0 ? Statistics.Percentile(latencies, 50) : double.NaN, latencies.Length > 0 ? Statistics.Percentile(latencies, 99) : double.NaN,
                target.Errors, target.FirstError, target.RssBefore, after, averageBatch,
                latencies.Length > 0 ? target.Cpu.TotalMicroseconds / latencies.Length : double.NaN));
        }

        return results;
    }

    /// <summary>Runs <paramref name="clients"/> loops, each sending the next body and waiting for its answer, until the time is up.</summary>
    private static async Task<Outcome> DriveAsync(HttpClient http, Uri uri, byte[][] bodies, int clients, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var latencies = new List<double>(1 << 14);
            var errors = 0;
            string? firstError = null;
            for (var i = client; Stopwatch.GetTimestamp() < end; i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(bodies[i % bodies.Length]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(uri, content);
                    var answer = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        errors++;
                        firstError ??= $"{(int)response.StatusCode} {Encoding.UTF8.GetString(answer)}";
                        continue;
                    }
                }
#pragma warning disable CA1031 // Every failure is counted and the first one reported; the run goes on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    errors++;
                    firstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    continue;
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return (latencies, errors, firstError);
        })).ToArray();
        var done = await Task.WhenAll(loops);
        return new Outcome(done.SelectMany(d => d.latencies).ToList(), done.Sum(d => d.errors), done.Select(d => d.firstError).FirstOrDefault(e => e is not null));
    }

    private static async Task<float[]> FirstScoresAsync(Uri address, byte[] body)
    {
        using var http = new HttpClient { BaseAddress = address };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri("v2/models/digits-mlp/infer", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkException($"{address}: digits-mlp answered {(int)response.StatusCode} {text}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
    }

    /// <summary>nv_inference_count and nv_inference_exec_count of one model, from the server's /metrics.</summary>
    private static async Task<(double Inferences, double Executions)> ScrapeAsync(HttpClient http, Uri server, string labels)
    {
        var text = await http.GetStringAsync(new Uri(server, "metrics"));
        double Read(string name) =>
            SampleLine().Matches(text).Where(m => m.Groups[1].Value == name && m.Groups[2].Value == labels)
                .Select(m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)).Single();
        return (Read("nv_inference_count"), Read("nv_inference_exec_count"));
    }

    private static byte[][] Bodies(float[][] rows, string input) =>
        rows.Select(row => Encoding.UTF8.GetBytes(new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(1, 64),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(row.Select(v => (JsonNode?)v).ToArray()),
            }),
        }.ToJsonString())).ToArray();

    private static int[] ParseLevels(string text)
    {
        var levels = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : -1).ToArray();
        return levels.Length > 0 && levels.All(n => n >= 1)
            ? levels
            : throw new BenchmarkException($"A concurrency list is whole numbers of at least 1 separated by commas, e.g. '1,8,32'; got '{text}'.", exitCode: 2);
    }

    [GeneratedRegex("""^([a-z_]+)\{([^}]*)\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    private sealed record Outcome(List<double> Latencies, int Errors, string? FirstError);

    /// <summary>A server and model to drive, with the bodies to send; labels select its counters in /metrics (null: none).</summary>
    private sealed record Target(string Server, string Model, LoadServerProcess Process, byte[][] Bodies, string? MetricsLabels);

    private sealed class TargetState(Target target)
    {
        public Target Target { get; } = target;

        public Uri Uri { get; } = new(target.Process.Address, $"v2/models/{target.Model}/infer");

        public List<double> Latencies { get; } = [];

        public TimeSpan Elapsed { get; set; }

        public TimeSpan Cpu { get; set; }

        public int Errors { get; set; }

        public string? FirstError { get; set; }

        public long RssBefore { get; set; }

        public (double Inferences, double Executions) CountersBefore { get; set; }
    }

    private sealed record RunResult(string Server, string Model, int Clients, int Requests, double Throughput, double P50, double P99, int Errors,
        string? FirstError, long RssBefore, long RssAfter, double? AverageBatch, double ServerCpuMicroseconds)
    {
        public string Row() => string.Create(CultureInfo.InvariantCulture,
            $"| {Server} | {Model} | {Clients} | {Requests} | {Throughput:F0} | {P50:F2} | {P99:F2} | {Errors} | {RssBefore / 1048576.0:F0} → {RssAfter / 1048576.0:F0} | {(AverageBatch is { } b ? b.ToString("F1", CultureInfo.InvariantCulture) : "–")} | {ServerCpuMicroseconds:F0} |");
    }
}
