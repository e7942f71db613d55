using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>binding</c>: the same models, with the same threads and the same per-iteration work, through the C harness
/// (<c>ort_bench</c>, C calling the ONNX Runtime C API directly) and through Chorus; C and Chorus alternate round by round.
/// </summary>
internal static class BindingBenchmark
{
    public static async Task<int> RunAsync(CommandLine line)
    {
        var threads = line.GetInt("--threads", 1, min: 1);
        var rounds = line.GetInt("--rounds", 10, min: 1);
        var iterations = line.GetInt("--iterations", 3000, min: 1);
        var warmup = line.GetInt("--warmup", 300, min: 0);
        var harnessPath = line.GetString("--c-harness");
        var outFile = line.GetString("--out");
        var only = line.GetString("--cases")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        line.RejectUnknown();

        var started = Stopwatch.StartNew();
        var log = Console.Error;
        if (!MachineInfo.IsOptimized())
        {
            log.WriteLine("warning: this is a Debug build; run with -c Release for representative numbers.");
        }

        var cases = new List<BindingCase>
        {
            new("mlp_64_32_10 batch 1", BenchmarkFiles.Model("mlp_64_32_10.onnx"), 1, BindingTarget.Overhead),
            new("mlp_64_32_10 batch 64", BenchmarkFiles.Model("mlp_64_32_10.onnx"), 64, BindingTarget.Ratio),
            new("conv_small batch 1", BenchmarkFiles.Model("conv_small.onnx"), 1, BindingTarget.Overhead),
            new("conv_small batch 64", BenchmarkFiles.Model("conv_small.onnx"), 64, BindingTarget.Ratio),
        };
        var notes = new List<string>();
        if (File.Exists(BenchmarkFiles.MatMulModel))
        {
            cases.Add(new BindingCase("test_matmul_2d (3x4 · 4x3)", BenchmarkFiles.MatMulModel, 1, BindingTarget.Overhead));
        }
        else
        {
            notes.Add($"Skipped test_matmul_2d: {BenchmarkFiles.MatMulModel} is absent (it comes with Debian's libonnx-testdata package).");
        }

        if (only is not null)
        {
            cases.RemoveAll(c => !only.Any(o => c.Label.Contains(o, StringComparison.OrdinalIgnoreCase)));
            if (cases.Count == 0)
            {
                throw new BenchmarkException($"--cases '{string.Join(',', only)}' matches none of the cases (mlp_64_32_10 batch 1|64, conv_small batch 1|64, test_matmul_2d).", exitCode: 2);
            }
        }

        var environment = OrtEnvironment.Initialize(new OrtEnvironmentOptions
        {
            IntraOpThreads = threads,
            InterOpThreads = 1,
            AllowSpinning = false,
        });
        var library = environment.LibraryPath
            ?? throw new BenchmarkException("ONNX Runtime is loaded but its file is unknown, so the C harness cannot be pointed at the same library.");
        var harness = await CHarness.LocateAsync(harnessPath, log);

        var results = new List<CaseResult>();
        foreach (var benchmarkCase in cases)
        {
            results.Add(await RunCaseAsync(benchmarkCase, harness, library, threads, rounds, iterations, warmup, log));
        }

        started.Stop();
        var report = Format(results, notes, environment, harness, library, line, threads, rounds, iterations, warmup, started.Elapsed);
        Console.Write(report);
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report);
            log.WriteLine($"Wrote {Path.GetFullPath(outFile)}");
        }

        return 0;
    }

    private static async Task<CaseResult> RunCaseAsync(BindingCase benchmarkCase, CHarness harness, string library, int threads, int rounds,
        int iterations, int warmup, TextWriter log)
    {
        var arguments = CHarness.Arguments(library, benchmarkCase.ModelPath, benchmarkCase.Batch, threads, iterations, warmup);
        using var runner = ChorusRunner.Create(benchmarkCase.ModelPath, benchmarkCase.Batch);

        // The C harness is a fresh process per round and warms up inside it; Chorus warms up once here until the loop has
        // reached its final JIT tier, then does the same per-round warm-up as the harness.
        runner.WarmUp(TimeSpan.FromSeconds(1), warmup);

        var c = new List<RoundResult>();
        var chorus = new List<RoundResult>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which side goes first, so neither always runs on the cooler (or hotter) machine.
            if (round % 2 == 0)
            {
                c.Add(await harness.RunAsync(arguments));
                chorus.Add(runner.RunRound(warmup, iterations));
            }
            else
            {
                chorus.Add(runner.RunRound(warmup, iterations));
                c.Add(await harness.RunAsync(arguments));
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{benchmarkCase.Label}: round {round + 1}/{rounds}: C {c[^1].MeanUs:F2} µs (p50 {c[^1].P50Us:F2}), Chorus {chorus[^1].MeanUs:F2} µs (p50 {chorus[^1].P50Us:F2})"));
        }

        GC.KeepAlive(runner.Sink);
        return new CaseResult(benchmarkCase, c, chorus);
    }

    private static string Format(List<CaseResult> results, List<string> notes, OrtEnvironment environment, CHarness harness, string library,
        CommandLine line, int threads, int rounds, int iterations, int warmup, TimeSpan elapsed)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("## Chorus vs C: ONNX Runtime binding overhead");
        text.AppendLine();
        text.AppendLine(culture, $"Machine: {MachineInfo.Describe(environment.Version)}");
        text.AppendLine(culture,
            $"Settings: global intra-op pool of {threads} thread(s), spinning off, inter-op 1, per-session threads disabled, graph optimization ALL; " +
            $"{rounds} rounds x {iterations} timed iterations ({warmup} warm-up per round), C and Chorus alternating");
        text.AppendLine(culture, $"Command: {line.RerunCommand()}");
        text.AppendLine(culture, $"C harness: {harness.FilePath} --lib {library} --model MODEL --batch B --threads {threads} --iterations {iterations} --warmup {warmup}");
        text.AppendLine(culture, $"Took {elapsed.TotalSeconds:F1} s");
        text.AppendLine();
        text.AppendLine("| case | C µs/run | Chorus µs/run | ratio Chorus/C | overhead µs (Chorus − C) | C p50 µs | Chorus p50 µs | paired ratio | paired overhead µs |");
        text.AppendLine("|------|---------:|--------------:|---------------:|-------------------------:|---------:|--------------:|-------------:|-------------------:|");
        foreach (var r in results)
        {
            text.AppendLine(culture,
                $"| {r.Case.Label} | {r.CMeanUs:F2} | {r.ChorusMeanUs:F2} | {r.Ratio:F3} | {r.OverheadUs:+0.00;-0.00;0.00} | {r.CP50Us:F2} | {r.ChorusP50Us:F2} | {r.PairedRatio:F3} | {r.PairedOverheadUs:+0.00;-0.00;0.00} |");
        }

        text.AppendLine();
        text.AppendLine("µs/run: median over rounds of each round's mean time per iteration; p50: median over rounds of each round's median (nearest rank);");
        text.AppendLine("paired: median over rounds of Chorus vs C within the same round (the two ran back to back, so a slow spell of the machine hits both).");
        text.AppendLine("Per-round means (µs), in run order:");
        foreach (var r in results)
        {
            text.AppendLine(culture,
                $"- {r.Case.Label}: C [{string.Join(", ", r.C.Select(x => x.MeanUs.ToString("F2", culture)))}]; Chorus [{string.Join(", ", r.Chorus.Select(x => x.MeanUs.ToString("F2", culture)))}]");
        }

        foreach (var note in notes)
        {
            text.AppendLine(note);
        }

        text.AppendLine();
        text.AppendLine("Targets:");
        foreach (var r in results)
        {
            var verdict = r.Met ? "PASS" : "MISS";
            text.AppendLine(r.Case.Target == BindingTarget.Ratio
                ? string.Create(culture, $"{verdict} {r.Case.Label}: ratio {r.Ratio:F3} (target ≤ {BindingCase.MaxRatio:F2}; paired {r.PairedRatio:F3}, p50 {r.ChorusP50Us / r.CP50Us:F3})")
                : string.Create(culture, $"{verdict} {r.Case.Label}: overhead {r.OverheadUs:F2} µs per call (target ≤ {BindingCase.MaxOverheadUs:F0} µs; paired {r.PairedOverheadUs:F2} µs, p50 {r.P50OverheadUs:F2} µs)"));
        }

        return text.ToString();
    }
}
