using System.Diagnostics;
using Chorus.Audio;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>
/// Test audio made on the spot: sentences spoken by Debian's espeak-ng (read back through Chorus.Audio, which resamples its
/// 22.05 kHz output to 16 kHz), digital silence, and seeded white noise. Where speech lies is known by construction.
/// </summary>
internal static class SpeechAudio
{
    public const int Rate = 16000;

    /// <summary>Speaks a sentence with espeak-ng and returns 16 kHz samples (espeak adds little silence at either end).</summary>
    public static float[] Speak(string text, string voice = "en-us")
    {
        var path = Path.Combine(Path.GetTempPath(), $"chorus-speech-{Guid.NewGuid():N}.wav");
        try
        {
            var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-v", voice, "-w", path, text })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start");
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(30_000) || process.ExitCode != 0)
            {
                throw new InvalidOperationException($"espeak-ng failed (install the espeak-ng package): {error}");
            }

            return WavReader.Read(path).Samples.ToArray();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Seeded Gaussian white noise at an RMS level in dBFS.</summary>
    public static float[] WhiteNoise(int samples, double rmsDb, int seed)
    {
        var random = new Random(seed);
        var scale = Math.Pow(10, rmsDb / 20);
        var result = new float[samples];
        for (var i = 0; i < result.Length; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            result[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return result;
    }

    /// <summary>Concatenates pieces.</summary>
    public static float[] Concat(params float[][] pieces) => pieces.SelectMany(p => p).ToArray();

    /// <summary>Seconds of digital silence.</summary>
    public static float[] Silence(double seconds) => new float[(int)(seconds * Rate)];
}
