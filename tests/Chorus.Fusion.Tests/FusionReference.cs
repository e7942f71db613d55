using System.Text.Json;

namespace Chorus.Fusion.Tests;

/// <summary>
/// tests/data/fusion/fusion_reference.json: scikit-learn 1.2.1's outputs on fixed score arrays, written by
/// make_fusion_reference.py (see the README beside it).
/// </summary>
internal static class FusionReference
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "fusion", "fusion_reference.json"))));

    public static JsonElement Root => s_document.Value.RootElement;

    public static int MemberCount => Root.GetProperty("n_members").GetInt32();

    public static int SampleCount => Root.GetProperty("n_samples").GetInt32();

    public static int ClassCount => Root.GetProperty("n_classes").GetInt32();

    public static int[] Labels => Ints(Root.GetProperty("y_true"));

    /// <summary>member_probabilities[m] as one n × K row-major array.</summary>
    public static double[] MemberProbabilities(int member)
    {
        return Matrix(Root.GetProperty("member_probabilities")[member]);
    }

    /// <summary>The members' rows for one sample, member-major (what the voting strategies take).</summary>
    public static double[] SampleScores(int sample)
    {
        var members = Root.GetProperty("member_probabilities");
        return Enumerable.Range(0, MemberCount).SelectMany(m => Doubles(members[m][sample])).ToArray();
    }

    /// <summary>The stacking features: each sample's member rows concatenated, member-major, n × (M·K).</summary>
    public static double[] StackingFeatures()
    {
        return Enumerable.Range(0, SampleCount).SelectMany(SampleScores).ToArray();
    }

    public static double[] Doubles(JsonElement array)
    {
        return array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    }

    public static int[] Ints(JsonElement array)
    {
        return array.EnumerateArray().Select(v => v.GetInt32()).ToArray();
    }

    public static double[] Matrix(JsonElement rows)
    {
        return rows.EnumerateArray().SelectMany(Doubles).ToArray();
    }

    public static int[,] IntMatrix(JsonElement rows)
    {
        var list = rows.EnumerateArray().Select(Ints).ToArray();
        var result = new int[list.Length, list[0].Length];
        for (var i = 0; i < list.Length; i++)
        {
            for (var j = 0; j < list[i].Length; j++)
            {
                result[i, j] = list[i][j];
            }
        }

        return result;
    }

    /// <summary>First maximum of each row, numpy's argmax.</summary>
    public static int[] ArgMax(double[] rows, int classCount)
    {
        var result = new int[rows.Length / classCount];
        for (var n = 0; n < result.Length; n++)
        {
            var row = rows.AsSpan(n * classCount, classCount);
            var best = 0;
            for (var k = 1; k < classCount; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            result[n] = best;
        }

        return result;
    }
}
