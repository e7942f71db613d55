using System.Text.Json;

namespace Chorus.OnnxRuntime.Tests;

/// <summary>The small models under tests/data/models (made by make_models.py) and their numpy reference outputs.</summary>
internal static class TestModels
{
    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "models");

    public static string Mlp => Path.Combine(Directory, "mlp_64_32_10.onnx");

    public static string Conv => Path.Combine(Directory, "conv_small.onnx");

    public static string SlowChain => Path.Combine(Directory, "slow_chain.onnx");

    public static string AllTypes => Path.Combine(Directory, "all_types_identity.onnx");

    public static string AddFixed => Path.Combine(Directory, "add_fixed.onnx");

    /// <summary>x[b, i] = ((b * 64 + i) * 7919 % 1000) / 1000 - 0.5, the input rule of make_expected.py.</summary>
    public static float[] MlpInput(int batch)
    {
        var x = new float[batch * 64];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(((long)i * 7919 % 1000) / 1000.0 - 0.5);
        }

        return x;
    }

    /// <summary>numpy's logits for <see cref="MlpInput"/> at batch 3 (expected.json, by make_expected.py).</summary>
    public static float[] MlpExpectedBatch3()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "expected.json")));
        return json.RootElement.GetProperty("mlp_64_32_10").GetProperty("batch3_logits")
            .EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetSingle())).ToArray();
    }
}
