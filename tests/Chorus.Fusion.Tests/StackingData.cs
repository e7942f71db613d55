namespace Chorus.Fusion.Tests;

/// <summary>Synthetic meta-features for the stacking tests: two members' probability rows per sample, member-major.</summary>
internal static class StackingData
{
    public const int ClassCount = 3;

    public const int MemberCount = 2;

    public const int FeatureCount = MemberCount * ClassCount;

    public static readonly string[] MemberIds = ["cnn", "forest"];

    public static readonly string[] Labels = ["cat", "dog", "bird"];

    /// <summary>
    /// Member "cnn" puts .6 to .8 on the true class (always its top class), member "forest" is noise: the classes are
    /// separable through the first member's columns.
    /// </summary>
    public static (double[] Features, int[] Labels) Separable(int count, int seed)
    {
        var random = new Random(seed);
        var features = new double[count * FeatureCount];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % ClassCount;
            labels[n] = label;
            var top = 0.6 + 0.2 * random.NextDouble();
            for (var k = 0; k < ClassCount; k++)
            {
                features[n * FeatureCount + k] = k == label ? top : (1 - top) / 2;
            }

            Noise(random, features.AsSpan(n * FeatureCount + ClassCount, ClassCount));
        }

        return (features, labels);
    }

    /// <summary>Both members are noise and the labels are independent of them.</summary>
    public static (double[] Features, int[] Labels) Unrelated(int count, int seed)
    {
        var random = new Random(seed);
        var features = new double[count * FeatureCount];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            labels[n] = n % ClassCount;
            Noise(random, features.AsSpan(n * FeatureCount, ClassCount));
            Noise(random, features.AsSpan(n * FeatureCount + ClassCount, ClassCount));
        }

        return (features, labels);
    }

    private static void Noise(Random random, Span<double> row)
    {
        var sum = 0.0;
        for (var k = 0; k < row.Length; k++)
        {
            row[k] = 0.05 + random.NextDouble();
            sum += row[k];
        }

        for (var k = 0; k < row.Length; k++)
        {
            row[k] /= sum;
        }
    }
}
