using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Chorus.Benchmarks;

/// <summary>
/// The C benchmark harness <c>native/bench/build/ort_bench</c>: found (or built with CMake) once, then run once per round
/// as its own process, which prints one JSON line with its statistics.
/// </summary>
internal sealed class CHarness
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(10);

    private CHarness(string path)
    {
        FilePath = path;
    }

    public string FilePath { get; }

    /// <summary>The harness at <paramref name="explicitPath"/>, or the repository's, built with CMake if it is not built yet.</summary>
    public static async Task<CHarness> LocateAsync(string? explicitPath, TextWriter log)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            if (!File.Exists(full))
            {
                throw new BenchmarkException($"The C harness given with --c-harness does not exist: '{full}'. Build it with " +
                    "'cmake -S native/bench -B native/bench/build && cmake --build native/bench/build', or leave --c-harness out to have it built.");
            }

            return new CHarness(full);
        }

        var root = BenchmarkFiles.FindRepositoryRoot()
            ?? throw new BenchmarkException("The repository (native/bench/ort_bench.c) was not found above the benchmark or the current folder; " +
                "run from the repository, or pass the built harness with --c-harness PATH.", exitCode: 2);
        var source = Path.Combine(root, "native", "bench");
        var build = Path.Combine(source, "build");
        var harness = Path.Combine(build, "ort_bench");
        if (File.Exists(harness))
        {
            return new CHarness(harness);
        }

        var cmake = FindOnPath("cmake");
        var compiler = FindCompiler();
        if (cmake is null || compiler is null)
        {
            var missing = (cmake, compiler) switch
            {
                (null, null) => "cmake and a C compiler (cc, gcc or clang) were",
                (null, _) => "cmake was",
                _ => "a C compiler (cc, gcc or clang, or $CC) was",
            };
            throw new BenchmarkException(
                $"The C harness is not built ({harness} is missing) and it cannot be built here: {missing} not found on PATH. " +
                "Install CMake 3.16+ and a C11 compiler, or build native/bench elsewhere and pass the binary with --c-harness PATH.",
                exitCode: 2);
        }

        log.WriteLine($"Building the C harness: cmake -S {source} -B {build} && cmake --build {build}");
        await RunToolAsync(cmake, ["-S", source, "-B", build], s_buildTimeout);
        await RunToolAsync(cmake, ["--build", build], s_buildTimeout);
        if (!File.Exists(harness))
        {
            throw new BenchmarkException($"CMake finished but {harness} was not produced.");
        }

        return new CHarness(harness);
    }

    public static IReadOnlyList<string> Arguments(string libraryPath, string modelPath, int batch, int threads, int iterations, int warmup) =>
    [
        "--lib", libraryPath,
        "--model", modelPath,
        "--batch", batch.ToString(CultureInfo.InvariantCulture),
        "--threads", threads.ToString(CultureInfo.InvariantCulture),
        "--iterations", iterations.ToString(CultureInfo.InvariantCulture),
        "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Runs one round and returns the harness's mean and p50.</summary>
    public async Task<RoundResult> RunAsync(IReadOnlyList<string> arguments)
    {
        var (stdout, _) = await RunToolAsync(FilePath, arguments, s_runTimeout);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new BenchmarkException($"The C harness printed nothing on stdout ({FilePath}).");
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            return new RoundResult(root.GetProperty("mean_us").GetDouble(), root.GetProperty("p50_us").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BenchmarkException($"The C harness printed '{line}', not the JSON line expected ({e.Message}).", e);
        }
    }

    private static async Task<(string Stdout, string Stderr)> RunToolAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new BenchmarkException($"'{fileName}' could not be started.");
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        using var timeoutSource = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchmarkException($"'{fileName}' did not finish within {timeout.TotalMinutes} minutes and was stopped.");
        }

        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        if (process.ExitCode != 0)
        {
            var detail = (stderr + stdout).Trim();
            throw new BenchmarkException($"'{fileName} {string.Join(' ', arguments)}' failed with exit status {process.ExitCode}:\n{detail}");
        }

        return (stdout, stderr);
    }

    /// <summary>The compiler CMake would pick: <c>$CC</c> when set, else <c>cc</c>, <c>gcc</c> or <c>clang</c> on PATH.</summary>
    private static string? FindCompiler()
    {
        var cc = Environment.GetEnvironmentVariable("CC");
        return string.IsNullOrWhiteSpace(cc)
            ? FindOnPath("cc") ?? FindOnPath("gcc") ?? FindOnPath("clang")
            : FindOnPath(cc.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
