using System.Globalization;

namespace Chorus.Server.Tests;

/// <summary>The first rows of tests/data/digits/test.csv: 64 pixel counts (integers 0..16) and the true digit.</summary>
internal static class DigitsRows
{
    public const int SampleSize = 64;

    public static (float[][] Samples, int[] Labels) Read(int count)
    {
        var rows = File.ReadLines(RepositoryPaths.DigitsTest).Skip(1).Take(count).Select(l => l.Split(',')).ToArray();
        return (rows.Select(r => r.Take(SampleSize).Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToArray(),
            rows.Select(r => int.Parse(r[SampleSize], CultureInfo.InvariantCulture)).ToArray());
    }
}
