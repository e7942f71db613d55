using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>leaks</c>: many tensor create/run/dispose cycles on one session (phase A) and many session create/run/dispose cycles
/// (phase B), with the resident set size (native and managed memory together) read before and after each.
/// </summary>
internal static class LeakCheck
{
    private const double MaxGrowthPercent = 10.0;
    private const int Checkpoints = 10;
    private const double Mebibyte = 1024.0 * 1024.0;

    public static int Run(CommandLine line)
    {
        var threads = line.GetInt("--threads", 1, min: 1);
        var cycles = line.GetInt("--cycles", 100_000, min: 1);
        var sessions = line.GetInt("--sessions", 1000, min: 1);
        var warmupCycles = line.GetInt("--warmup-cycles", 5000, min: 0);
        var warmupSessions = line.GetInt("--warmup-sessions", 50, min: 0);
        var warmupTime = TimeSpan.FromMilliseconds(line.GetInt("--warmup-ms", 1000, min: 0));
        line.RejectUnknown();

        if (!MachineInfo.IsOptimized())
        {
            Console.Error.WriteLine("warning: this is a Debug build; run with -c Release.");
        }

        var model = BenchmarkFiles.Model("mlp_64_32_10.onnx");
        var environment = OrtEnvironment.Initialize(new OrtEnvironmentOptions
        {
            IntraOpThreads = threads,
            InterOpThreads = 1,
            AllowSpinning = false,
        });

        Console.WriteLine("## Leak check: memory over many create/run/dispose cycles");
        Console.WriteLine();
        Console.WriteLine($"Machine: {MachineInfo.Describe(environment.Version)}");
        Console.WriteLine($"Command: {line.RerunCommand()}");
        Console.WriteLine($"Model: {Path.GetFileName(model)}, batch 1, intra-op threads {threads}. RSS is VmRSS from /proc/self/status, " +
            "read after GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(). Target: RSS growth < 10%.");
        Console.WriteLine();

        var a = TensorCycles(model, warmupCycles, cycles, warmupTime);
        Console.WriteLine();
        var b = SessionCycles(model, warmupSessions, sessions, warmupTime);
        Console.WriteLine();
        Console.WriteLine(Verdict("Phase A (tensor cycles)", a));
        Console.WriteLine(Verdict("Phase B (session cycles)", b));
        return 0;
    }

    /// <summary>Phase A: one session; per cycle a tensor over a reused pinned array, a run, a read, and every value disposed.</summary>
    private static double TensorCycles(string model, int warmupCycles, int cycles, TimeSpan warmupTime)
    {
        using var session = InferenceSession.Create(model, ChorusRunner.HarnessSessionOptions());
        var features = checked((int)session.Inputs[0].Shape[1]);
        var array = GC.AllocateArray<float>(features, pinned: true);
        for (var k = 0; k < array.Length; k++)
        {
            array[k] = (float)((ulong)k * 7919UL % 1000UL) / 1000.0f - 0.5f;
        }

        var memory = MemoryMarshal.CreateFromPinnedArray(array, 0, array.Length);
        long[] shape = [1, features];
        var outputs = new OrtValue?[session.Outputs.Count];
        var sink = 0f;

        void Cycle()
        {
            using var input = OrtValue.CreateTensor(memory, shape);
            session.Run([input], outputs);
            sink += outputs[0]!.GetTensorData<float>()[0];
            for (var i = 0; i < outputs.Length; i++)
            {
                outputs[i]!.Dispose();
                outputs[i] = null;
            }
        }

        var growth = Measure($"Phase A: {cycles:N0} tensor create/run/dispose cycles", warmupCycles, warmupTime, cycles, "cycle", Cycle);
        GC.KeepAlive(sink);
        return growth;
    }

    /// <summary>Phase B: per cycle a session loaded from the file, one run, and the session disposed.</summary>
    private static double SessionCycles(string model, int warmupSessions, int sessions, TimeSpan warmupTime)
    {
        var options = ChorusRunner.HarnessSessionOptions();
        var input = new float[64];
        long[] shape = [1, 64];
        var outputs = new OrtValue?[1];
        var sink = 0f;

        void Cycle()
        {
            using var session = InferenceSession.Create(model, options);
            using var value = OrtValue.CreateTensor(input, shape);
            session.Run([value], outputs);
            sink += outputs[0]!.GetTensorData<float>()[0];
            outputs[0]!.Dispose();
            outputs[0] = null;
        }

        var growth = Measure($"Phase B: {sessions:N0} session create/run/dispose cycles", warmupSessions, warmupTime, sessions, "session", Cycle);
        GC.KeepAlive(sink);
        return growth;
    }

    /// <summary>
    /// Warms up, measures, runs the cycles with a checkpoint every tenth, measures again; prints and returns the RSS growth in
    /// percent. The warm-up lasts <paramref name="warmupCycles"/> cycles and at least <paramref name="warmupTime"/>: tiered
    /// compilation recompiles the hot path about 100 ms after it gets hot, on a background thread, and the code and JIT
    /// memory that adds (a one-time step of a few MiB) is not a leak, so it belongs before the first reading.
    /// </summary>
    private static double Measure(string title, int warmupCycles, TimeSpan warmupTime, int cycles, string unit, Action cycle)
    {
        var warmup = Stopwatch.StartNew();
        var warmed = 0;
        for (; warmed < warmupCycles || warmup.Elapsed < warmupTime; warmed++)
        {
            cycle();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title} (after {warmed:N0} warm-up {unit}s in {warmup.Elapsed.TotalSeconds:F2} s)"));

        var before = ProcessMemory.Measure();
        var trend = new List<long>();
        var stopwatch = Stopwatch.StartNew();
        var timed = TimeSpan.Zero;
        for (var i = 1; i <= cycles; i++)
        {
            cycle();
            if (i % Math.Max(1, cycles / Checkpoints) == 0 && i < cycles)
            {
                timed += stopwatch.Elapsed;
                trend.Add(ProcessMemory.Measure().ResidentBytes);
                stopwatch.Restart();
            }
        }

        timed += stopwatch.Elapsed;
        var after = ProcessMemory.Measure();
        trend.Add(after.ResidentBytes);

        var growth = after.ResidentBytes - before.ResidentBytes;
        var percent = 100.0 * growth / before.ResidentBytes;
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture,
            $"  RSS: {before.ResidentBytes / Mebibyte:F2} MiB -> {after.ResidentBytes / Mebibyte:F2} MiB: {growth / Mebibyte:+0.00;-0.00;0.00} MiB ({percent:+0.00;-0.00;0.00}%), {(double)growth / cycles:F1} bytes per {unit}"));
        Console.WriteLine(string.Create(culture,
            $"  Managed heap: {before.ManagedHeapBytes / Mebibyte:F2} MiB -> {after.ManagedHeapBytes / Mebibyte:F2} MiB ({(after.ManagedHeapBytes - before.ManagedHeapBytes) / 1024.0:+0.0;-0.0;0.0} KiB); " +
            $"GC committed (inside the RSS): {before.GCCommittedBytes / Mebibyte:F2} MiB -> {after.GCCommittedBytes / Mebibyte:F2} MiB"));
        var nativeBefore = before.ResidentBytes - before.GCCommittedBytes;
        var nativeAfter = after.ResidentBytes - after.GCCommittedBytes;
        Console.WriteLine(string.Create(culture,
            $"  RSS minus GC committed (roughly the native part): {nativeBefore / Mebibyte:F2} MiB -> {nativeAfter / Mebibyte:F2} MiB ({100.0 * (nativeAfter - nativeBefore) / nativeBefore:+0.00;-0.00;0.00}%)"));
        Console.WriteLine(string.Create(culture,
            $"  RSS after each tenth of the cycles (MiB): {string.Join(", ", trend.Select(t => (t / Mebibyte).ToString("F2", culture)))}"));
        if (trend.Count >= 2 * 2)
        {
            // A leak grows with every cycle; a one-time step (an arena, a cache, JIT code) does not recur in the second half.
            var half = trend[(trend.Count / 2) - 1];
            Console.WriteLine(string.Create(culture,
                $"  Second half only: {(after.ResidentBytes - half) / Mebibyte:+0.00;-0.00;0.00} MiB, {(after.ResidentBytes - half) / (cycles / 2.0):F1} bytes per {unit}"));
        }

        Console.WriteLine(string.Create(culture,
            $"  Took {timed.TotalSeconds:F2} s for the cycles ({timed.TotalMicroseconds / cycles:F1} µs per {unit}), not counting the measurements"));
        return percent;
    }

    private static string Verdict(string phase, double percent) => string.Create(CultureInfo.InvariantCulture,
        $"{(percent < MaxGrowthPercent ? "PASS" : "MISS")} {phase}: RSS growth {percent:+0.00;-0.00;0.00}% (target < {MaxGrowthPercent:F0}%)");
}
