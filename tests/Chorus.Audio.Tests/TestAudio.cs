using System.Globalization;

namespace Chorus.Audio.Tests;

/// <summary>The committed test files, what soxi says about them, and signal measurements computed here.</summary>
internal static class TestAudio
{
    public static string DataDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "data");

    public static string PathOf(string file) => Path.Combine(DataDirectory, file);

    public static IReadOnlyList<SoxInfo> Soxi { get; } = LoadSoxi();

    public static IEnumerable<string> DecodableFiles => Soxi.Select(i => i.File).Where(f => !f.StartsWith("reject_", StringComparison.Ordinal));

    public static IEnumerable<string> SineFiles => Soxi.Select(i => i.File).Where(f => f.StartsWith("sine1k_", StringComparison.Ordinal));

    /// <summary>Amplitude of the component at <paramref name="frequency"/> by a single-bin DFT over a whole number of periods.</summary>
    public static double Amplitude(ReadOnlySpan<float> samples, double frequency, int sampleRate)
    {
        double re = 0, im = 0;
        for (var n = 0; n < samples.Length; n++)
        {
            var angle = 2 * Math.PI * frequency * n / sampleRate;
            re += samples[n] * Math.Cos(angle);
            im -= samples[n] * Math.Sin(angle);
        }

        return 2 * Math.Sqrt((re * re) + (im * im)) / samples.Length;
    }

    /// <summary>Frequency estimated from the number of sign changes.</summary>
    public static double ZeroCrossingFrequency(ReadOnlySpan<float> samples, int sampleRate)
    {
        var crossings = 0;
        for (var n = 1; n < samples.Length; n++)
        {
            if ((samples[n - 1] < 0) != (samples[n] < 0))
            {
                crossings++;
            }
        }

        return crossings / 2.0 / ((double)samples.Length / sampleRate);
    }

    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += s * (double)s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static List<SoxInfo> LoadSoxi()
    {
        var lines = File.ReadAllLines(Path.Combine(TestContext.CurrentContext.TestDirectory, "data", "soxi.tsv"));
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            return new SoxInfo(
                f[0],
                int.Parse(f[1], CultureInfo.InvariantCulture),
                int.Parse(f[2], CultureInfo.InvariantCulture),
                long.Parse(f[3], CultureInfo.InvariantCulture),
                double.Parse(f[4], CultureInfo.InvariantCulture),
                int.Parse(f[5], CultureInfo.InvariantCulture),
                f[6],
                Convert.ToInt32(f[7], 16));
        }).ToList();
    }
}
