using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chorus.Hosting;
using Chorus.OnnxRuntime;
using Chorus.Plugins;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>native</c>: the digits-knn native plugin (C ABI) against the same logic as a managed <see cref="IModel"/>, through
/// the same interface, at batch 1 and 64, rounds alternating. Also the bare call overhead: the trivial fault_ok native
/// plugin against a managed model that writes the same constant scores.
/// </summary>
internal static class NativePluginBenchmark
{
    public static async Task<int> RunAsync(CommandLine line)
    {
        var rounds = line.GetInt("--rounds", 9, 1);
        var iterations = line.GetInt("--iterations", 2000, 1);
        var outPath = line.GetString("--out");
        line.RejectUnknown();

        var root = BenchmarkFiles.RequireRepositoryRoot("plugins/");
        var env = OrtEnvironment.Instance;
        var options = new ChorusOptions();
        options.PluginDirectories.Add(Path.Combine(root, "plugins"));
        using var host = ChorusHost.Create(options);
        var native = host.Catalog.FindModel("digits-knn")
            ?? throw new BenchmarkException($"digits-knn did not load: {host.Catalog.Find("digits-knn")?.Error}. Build it with 'dotnet build' (needs cmake and cc).");
        using var managed = new ManagedKnnModel(Path.Combine(root, "plugins", "digits-knn", "train.bin"), k: 5, smoothing: 0.5);
        var rows = BenchmarkFiles.ReadDigitsTestRows(root);

        var culture = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine("## Native plugin call overhead: digits-knn (C ABI) against the same k-NN in C#");
        report.AppendLine();
        report.AppendLine(culture, $"Machine: {MachineInfo.Describe(env.Version)}");
        report.AppendLine(culture, $"Settings: {rounds} rounds x {iterations} iterations (batch 64: iterations / 16), alternating; both through IModel.Predict");
        report.AppendLine(("Command: dotnet run -c Release --project tests/Chorus.Benchmarks -- native " + string.Join(' ', line.Arguments)).TrimEnd());
        report.AppendLine();
        report.AppendLine("| case | native µs/call | managed µs/call | native − managed µs | ratio native / managed |");
        report.AppendLine("|---|---:|---:|---:|---:|");

        foreach (var batch in new[] { 1, 64 })
        {
            var samples = rows.Take(batch).SelectMany(r => r).ToArray();
            var nativeScores = new float[batch * 10];
            var managedScores = new float[batch * 10];
            native.Predict(samples, batch, nativeScores);
            managed.Predict(samples, batch, managedScores);
            if (!nativeScores.AsSpan().SequenceEqual(managedScores))
            {
                throw new BenchmarkException("The managed k-NN disagrees with the native plugin; the comparison would not be of the same logic.");
            }

            var n = batch == 1 ? iterations : Math.Max(1, iterations / 16);
            var (nativeUs, managedUs) = Compare(rounds, n, () => native.Predict(samples, batch, nativeScores), () => managed.Predict(samples, batch, managedScores));
            report.AppendLine(string.Create(culture, $"| k-NN, batch {batch} | {nativeUs:0.00} | {managedUs:0.00} | {nativeUs - managedUs:+0.00;-0.00} | {nativeUs / managedUs:0.000} |"));
        }

        var faultsLibrary = Path.Combine(root, "artifacts", "native-faults");
        var trivial = TrivialNative(faultsLibrary, out var trivialHost);
        using (trivialHost)
        {
            if (trivial is not null)
            {
                var constant = new float[] { 0.2f, 0.3f, 0.5f };
                var input = new float[2];
                var output = new float[3];
                var managedConstant = () => constant.CopyTo(output, 0);
                var (nativeUs, managedUs) = Compare(rounds, iterations * 10, () => trivial.Predict(input, 1, output), () => managedConstant());
                report.AppendLine(string.Create(culture, $"| constant scores (call overhead only), batch 1 | {nativeUs:0.000} | {managedUs:0.000} | {nativeUs - managedUs:+0.000;-0.000} | {nativeUs / managedUs:0.0} |"));
            }
            else
            {
                report.AppendLine("| constant scores | (artifacts/native-faults/libfault_ok not built) | | | |");
            }
        }

        report.AppendLine();
        report.AppendLine("µs/call: median over rounds of each round's mean. The scores of the two k-NN implementations are checked equal before timing.");
        Console.Write(report.ToString());
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, report.ToString());
        }

        return 0;
    }

    private static IModel? TrivialNative(string faultsDirectory, out ChorusHost? host)
    {
        host = null;
        var library = Path.Combine(faultsDirectory, OperatingSystem.IsWindows() ? "fault_ok.dll" : OperatingSystem.IsMacOS() ? "libfault_ok.dylib" : "libfault_ok.so");
        if (!File.Exists(library))
        {
            return null;
        }

        var folder = Path.Combine(Path.GetTempPath(), $"chorus-bench-{Guid.NewGuid():N}", "fault-ok");
        Directory.CreateDirectory(folder);
        File.Copy(library, Path.Combine(folder, Path.GetFileName(library)));
        File.WriteAllText(Path.Combine(folder, "plugin.json"), """
            { "id": "fault-ok", "version": "1.0.0", "task": "classification", "runtime": "native", "library": "fault_ok",
              "labels": ["a", "b", "c"], "inputs": [ { "name": "x", "shape": [-1, 2] } ], "outputs": [ { "name": "probabilities" } ] }
            """);
        var options = new ChorusOptions();
        options.PluginDirectories.Add(Path.GetDirectoryName(folder)!);
        host = ChorusHost.Create(options);
        return host.Catalog.FindModel("fault-ok");
    }

    private static (double Native, double Managed) Compare(int rounds, int iterations, Action native, Action managed)
    {
        var nativeMeans = new List<double>();
        var managedMeans = new List<double>();
        for (var round = -1; round < rounds; round++)
        {
            var a = Time(native, iterations);
            var b = Time(managed, iterations);
            if (round >= 0)
            {
                nativeMeans.Add(a);
                managedMeans.Add(b);
            }
        }

        return (Statistics.Median(nativeMeans), Statistics.Median(managedMeans));
    }

    private static double Time(Action action, int iterations)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / iterations;
    }
}
