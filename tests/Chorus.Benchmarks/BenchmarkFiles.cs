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
}
