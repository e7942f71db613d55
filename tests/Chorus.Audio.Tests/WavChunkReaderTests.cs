namespace Chorus.Audio.Tests;

public sealed class WavChunkReaderTests
{
    private static IEnumerable<string> DecodableFiles => TestAudio.DecodableFiles;

    [TestCaseSource(nameof(DecodableFiles))]
    public void Read_InChunks_EqualsOneShotBitForBit(string file)
    {
        var path = TestAudio.PathOf(file);
        var oneShot = WavReader.Read(path).Samples.ToArray();

        foreach (var chunkSize in new[] { 1, 7, 160, 1000, 5003 })
        {
            using var reader = WavReader.Open(path);
            var chunked = new List<float>();
            var chunk = new float[chunkSize];
            int read;
            while ((read = reader.Read(chunk)) > 0)
            {
                chunked.AddRange(chunk.AsSpan(0, read));
            }

            Assert.That(chunked, Is.EqualTo(oneShot), $"chunk size {chunkSize}");
        }
    }

    [Test]
    public void Read_TenMinutesAt48k_UsesBoundedMemory()
    {
        const long frames = 10L * 60 * SyntheticWavStream.SampleRate;
        const long dataBytes = frames * 2;
        var chunk = new float[4096];
        long total = 0;
        double peak = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var reader = WavReader.Open(new SyntheticWavStream(frames), "synthetic"))
        {
            int read;
            while ((read = reader.Read(chunk)) > 0)
            {
                total += read;
                foreach (var s in chunk.AsSpan(0, read))
                {
                    peak = Math.Max(peak, Math.Abs(s));
                }
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That(total, Is.EqualTo(frames / 3));
            Assert.That(peak, Is.EqualTo(0.5).Within(0.01));
            Assert.That(allocated, Is.LessThan(1 << 20), $"allocated {allocated} bytes for {dataBytes} bytes of data");
        });
    }

    [Test]
    public void Open_ReportsHeaderBeforeAnyRead()
    {
        using var reader = WavReader.Open(TestAudio.PathOf("sine1k_44100_s16.wav"));

        Assert.Multiple(() =>
        {
            Assert.That(reader.Source.SampleRate, Is.EqualTo(44100));
            Assert.That(reader.Source.FrameCount, Is.EqualTo(4410));
            Assert.That(reader.OutputLength, Is.EqualTo(1600));
            Assert.That(reader.SourceFramesRead, Is.Zero);
        });
    }
}
