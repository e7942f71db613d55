using System.Globalization;

namespace Chorus.Hosting.Tests;

/// <summary>A digits split: 64 pixel counts per row, and the true digit.</summary>
internal sealed class DigitsData
{
    public const int SampleSize = 64;

    private DigitsData(float[] samples, int[] labels)
    {
        Samples = samples;
        Labels = labels;
    }

    /// <summary>Row-major, <see cref="SampleSize"/> values per sample.</summary>
    public float[] Samples { get; }

    /// <summary>The true digit of each sample, which is also its index in the ensemble's labels "0".."9".</summary>
    public int[] Labels { get; }

    public int Count => Labels.Length;

    public ReadOnlyMemory<float> Rows(int start, int count) => Samples.AsMemory(start * SampleSize, count * SampleSize);

    /// <summary>Reads tests/data/digits/NAME.csv.</summary>
    public static DigitsData Read(string split)
    {
        var path = Path.Combine(RepositoryPaths.Digits, split + ".csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        Assert.That(header, Has.Length.EqualTo(SampleSize + 1), $"{path}: header");
        Assert.That(header[^1], Is.EqualTo("label"), $"{path}: the last column is the label");
        var samples = new List<float>();
        var labels = new List<int>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            samples.AddRange(cells.Take(SampleSize).Select(c => float.Parse(c, CultureInfo.InvariantCulture)));
            labels.Add(int.Parse(cells[SampleSize], CultureInfo.InvariantCulture));
        }

        return new DigitsData([.. samples], [.. labels]);
    }

    /// <summary>The first row of test.csv: the conformance kit's valid sample.</summary>
    public static float[] FirstTestSample() => Read("test").Rows(0, 1).ToArray();
}
