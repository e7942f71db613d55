using System.Globalization;
using Chorus.Hosting;
using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>Where the benchmark finds its models (copied next to it by the build) and the repository (for the C harness).</summary>
internal static class BenchmarkFiles
{
    /// <summary>The public ONNX backend test model with two fixed-shape float inputs (Debian's libonnx-testdata).</summary>
    public const string MatMulModel = "/usr/share/libonnx-testdata/data/node/test_matmul_2d/model.onnx";

    /// <summary>A model the build copied to <c>models/</c> beside the benchmark; fails with a clear message when it is not there.</summary>
    public static string Model(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", fileName);
        if (!File.Exists(path))
        {
            throw new BenchmarkException(
                $"The model '{fileName}' is missing: expected it at '{path}'. The build copies tests/data/models/*.onnx there; " +
                "rebuild with 'dotnet build tests/Chorus.Benchmarks' (and regenerate the models with tests/data/models/make_models.py if they are gone).");
        }

        return path;
    }

    /// <summary>The repository root (the folder holding <c>native/bench/</c>), searched upward from the program and the current folder.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "native", "bench", "ort_bench.c")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>The repository root, or a <see cref="BenchmarkException"/> saying that <paramref name="needs"/> were not found.</summary>
    public static string RequireRepositoryRoot(string needs) =>
        FindRepositoryRoot() ?? throw new BenchmarkException($"The repository ({needs}) was not found above the program or the current folder.");

    /// <summary>
    /// Starts the process-wide ONNX Runtime environment with <paramref name="environment"/> and opens a host on the
    /// repository's <c>plugins/</c> folder (the caller disposes it).
    /// </summary>
    public static ChorusHost OpenPluginHost(string root, OrtEnvironmentOptions environment)
    {
        var env = OrtEnvironment.Initialize(environment);
        var options = new ChorusOptions { Environment = env.Options };
        options.PluginDirectories.Add(Path.Combine(root, "plugins"));
        return ChorusHost.Create(options);
    }

    /// <summary>The 64 pixel values of every row of the digits test split (tests/data/digits/test.csv), labels left out.</summary>
    public static float[][] ReadDigitsTestRows(string root) =>
        File.ReadLines(Path.Combine(root, "tests", "data", "digits", "test.csv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',')[..64].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
}
