namespace Chorus.Audio.Tests;

public sealed class ResamplerTests
{
    [TestCase(48000, 1, 3)]
    [TestCase(44100, 160, 441)]
    [TestCase(22050, 320, 441)]
    [TestCase(8000, 2, 1)]
    public void Ratio_IsReducedFraction(int rate, int up, int down)
    {
        var resampler = new Resampler(rate, 16000);

        Assert.That((resampler.Up, resampler.Down), Is.EqualTo((up, down)));
    }

    [TestCase(48000)]
    [TestCase(44100)]
    [TestCase(22050)]
    [TestCase(8000)]
    public void Process_RandomChunking_EqualsOneShotBitForBit(int rate)
    {
        var random = new Random(rate);
        var input = new float[20011];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var oneShot = Run(new Resampler(rate, 16000), input, _ => input.Length, _ => 1 << 20);
        var chunked = Run(new Resampler(rate, 16000), input, r => r.Next(1, 998), r => r.Next(1, 300), random);

        Assert.Multiple(() =>
        {
            Assert.That(oneShot, Has.Count.EqualTo(((input.Length * 16000L) + rate - 1) / rate));
            Assert.That(chunked, Is.EqualTo(oneShot));
        });
    }

    private static List<float> Run(Resampler resampler, float[] input, Func<Random, int> inputChunk, Func<Random, int> outputChunk, Random? random = null)
    {
        random ??= new Random(0);
        var output = new List<float>();
        var buffer = new float[1 << 20];
        var offset = 0;
        while (offset < input.Length)
        {
            var count = Math.Min(inputChunk(random), input.Length - offset);
            var written = resampler.Process(input.AsSpan(offset, count), buffer.AsSpan(0, outputChunk(random)));
            output.AddRange(buffer.AsSpan(0, written));
            offset += count;
            while ((written = resampler.Process(ReadOnlySpan<float>.Empty, buffer.AsSpan(0, outputChunk(random)))) > 0)
            {
                output.AddRange(buffer.AsSpan(0, written));
            }
        }

        resampler.EndOfInput();
        int tail;
        while ((tail = resampler.Process(ReadOnlySpan<float>.Empty, buffer.AsSpan(0, outputChunk(random)))) > 0)
        {
            output.AddRange(buffer.AsSpan(0, tail));
        }

        return output;
    }
}
