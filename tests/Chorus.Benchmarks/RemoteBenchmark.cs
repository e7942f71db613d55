using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.OnnxRuntime;
using Chorus.Server;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>remote</c>: what a remote member costs. A Chorus server on loopback (in this process) serves digits-mlp; the host runs
/// the ensemble digits-logreg + digits-mlp twice, once with digits-mlp local and once with it as a remote member. The
/// references in the same run: digits-mlp's own <c>Predict</c>, and a bare v2 JSON infer request for it written here with
/// <see cref="HttpClient"/> (the floor for one HTTP hop; the remote member should add little to it).
/// </summary>
internal static class RemoteBenchmark
{
    public static async Task<int> RunAsync(CommandLine line)
    {
        var threads = line.GetInt("--threads", 1, 1);
        var rounds = line.GetInt("--rounds", 7, 1);
        var iterations = line.GetInt("--iterations", 300, 1);
        var outPath = line.GetString("--out");
        line.RejectUnknown();

        var root = BenchmarkFiles.RequireRepositoryRoot("plugins/ and tests/data/digits/");
        using var host = BenchmarkFiles.OpenPluginHost(root, new OrtEnvironmentOptions { IntraOpThreads = threads });
        await using var server = new ChorusServer(host, new ChorusServerOptions { Urls = "http://127.0.0.1:0" });
        var url = await server.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        var folder = Directory.CreateTempSubdirectory("chorus-remote-bench-").FullName;
        try
        {
            const string Digits = """["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]""";
            var mlpLabels = JsonSerializer.Serialize(host.Catalog.Find("digits-mlp")!.Model!.Labels);
            var local = host.LoadEnsemble(Write(folder, "local", $$"""{ "id": "local", "labels": {{Digits}}, "members": ["digits-logreg", "digits-mlp"] }"""));
            var remote = host.LoadEnsemble(Write(folder, "remote", $$"""
                { "id": "remote", "labels": {{Digits}}, "members": ["digits-logreg",
                  { "id": "mlp-remote", "url": "{{url}}", "model": "digits-mlp", "labels": {{mlpLabels}} }] }
                """));
            var mlp = host.Catalog.Find("digits-mlp")!.Model!;
            var rows = BenchmarkFiles.ReadDigitsTestRows(root);

            var culture = CultureInfo.InvariantCulture;
            var report = new StringBuilder();
            report.AppendLine("## Remote members: digits-logreg + digits-mlp, with digits-mlp local or on a v2 server over loopback");
            report.AppendLine();
            report.AppendLine(culture, $"Machine: {MachineInfo.Describe(OrtEnvironment.Instance.Version)}");
            report.AppendLine(culture, $"Settings: global intra-op pool of {threads} thread(s); the server runs in this process; {rounds} rounds x {iterations} iterations per measurement, alternating");
            report.AppendLine(("Command: dotnet run -c Release --project tests/Chorus.Benchmarks -- remote " + string.Join(' ', line.Arguments)).TrimEnd());
            report.AppendLine();
            report.AppendLine("| batch | digits-mlp Predict, µs | bare v2 infer call, µs | remote member alone, µs | member / bare call | ensemble, mlp local, µs | ensemble, mlp remote, µs | remote - local, µs |");
            report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var batch in new[] { 1, 64 })
            {
                var samples = rows.Take(batch).SelectMany(r => r).ToArray();
                var scores = new float[batch * mlp.Labels.Count];
                var infer = new Uri("v2/models/digits-mlp/infer", UriKind.Relative);
                var degraded = (await remote.PredictAsync(samples, batch)).Count(p => p.IsDegraded);
                if (degraded > 0)
                {
                    throw new BenchmarkException($"the remote member did not answer: {(await remote.PredictAsync(samples, batch))[0]}");
                }

                var model = new List<double>();
                var bare = new List<double>();
                var localMeans = new List<double>();
                var remoteMeans = new List<double>();
                var memberMeans = new List<double>();
                var member = (Chorus.Hosting.Remote.RemoteModel)remote.Models[1];
                for (var round = -1; round < rounds; round++)
                {
                    // Round -1 warms up everything (JIT, connection pool) and is not counted.
                    await Measure(model, round, iterations, () =>
                    {
                        mlp.Predict(samples, batch, scores);
                        return Task.CompletedTask;
                    });
                    await Measure(bare, round, iterations, async () =>
                    {
                        // A client's whole call: the samples serialized, the POST, the answer read and parsed.
                        var body = JsonSerializer.SerializeToUtf8Bytes(new
                        {
                            inputs = new[] { new { name = "pixels", shape = new[] { batch, 64 }, datatype = "FP32", data = samples } },
                            outputs = new[] { new { name = "scores" } },
                        });
                        using var content = new ByteArrayContent(body);
                        content.Headers.ContentType = new("application/json");
                        using var response = await client.PostAsync(infer, content);
                        using var answer = JsonDocument.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync());
                        _ = answer.RootElement.GetProperty("outputs")[0].GetProperty("data")[0].GetSingle();
                    });
                    await Measure(memberMeans, round, iterations, () => member.PredictAsync(samples, batch, scores, CancellationToken.None));
                    await Measure(localMeans, round, iterations, () => local.PredictAsync(samples, batch));
                    await Measure(remoteMeans, round, iterations, () => remote.PredictAsync(samples, batch));
                }

                var (m, b, l, r) = (Statistics.Median(model), Statistics.Median(bare), Statistics.Median(localMeans), Statistics.Median(remoteMeans));
                var alone = Statistics.Median(memberMeans);
                report.AppendLine(string.Create(culture, $"| {batch} | {m:0.0} | {b:0.0} | {alone:0.0} | {alone / b:0.00} | {l:0.0} | {r:0.0} | {r - l:0.0} |"));
            }

            report.AppendLine();
            report.AppendLine("µs: median over rounds of each round's mean per request. 'Bare v2 infer call' is one JSON POST to the same server for digits-mlp written in this program with System.Text.Json (samples serialized, POST, answer parsed; the floor for a remote hop); 'remote member alone' is the member's own PredictAsync (request built, sent, answer parsed); 'remote - local' is what moving digits-mlp behind HTTP adds to the ensemble. No target: figures to read beside the bare call.");
            Console.Write(report.ToString());
            if (outPath is not null)
            {
                await File.WriteAllTextAsync(outPath, report.ToString());
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Write(string folder, string id, string text)
    {
        var path = Path.Combine(folder, id + ".ensemble.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task Measure(List<double> means, int round, int iterations, Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            await call();
        }

        if (round >= 0)
        {
            means.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations);
        }
    }
}
