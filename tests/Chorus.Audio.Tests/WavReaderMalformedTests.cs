namespace Chorus.Audio.Tests;

/// <summary>Hand-built WAV bytes; each array is the whole file. Sample values are worked out by hand (0x4000 / 32768 = 0.5).</summary>
public sealed class WavReaderMalformedTests
{
    // 16 kHz mono 16-bit "fmt " chunk: tag 1, 1 channel, 16000 Hz, 32000 bytes/s, block align 2, 16 bits.
    private static readonly byte[] s_fmt16kMono16 =
        [.. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 2, 0, 16, 0];

    private static IEnumerable<TestCaseData> MalformedFiles()
    {
        yield return Case("empty file", [], "the file is empty (0 bytes)");
        yield return Case("not RIFF", [.. "JUNKJUNKJUNK"u8], "not a RIFF/WAVE file (it starts with 'JUNK')");
        yield return Case("RIFF but not WAVE", [.. "RIFF"u8, 4, 0, 0, 0, .. "AVI "u8], "not a RIFF/WAVE file");
        yield return Case("RIFF header only", [.. "RIFF"u8, 4, 0, 0, 0, .. "WAVE"u8], "no fmt or data chunk (a header only, no audio)");
        yield return Case("fmt but no data", [.. "RIFF"u8, 28, 0, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16], "fmt chunk but no data chunk");
        yield return Case("empty data chunk", [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 0, 0, 0, 0], "the data chunk is empty");
        yield return Case(
            "RIFF size beyond file",
            [.. "RIFF"u8, 0xE8, 0x03, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0],
            "the RIFF size field says the file has 1008 bytes but it has 48");
        yield return Case(
            "fmt size beyond file",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 100, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 2, 0, 16, 0, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0],
            "chunk 'fmt ' declares 100 bytes but only 28 remain");
        yield return Case(
            "data size beyond file",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 0xE8, 0x03, 0, 0, 0x00, 0x40, 0x00, 0xC0],
            "the data chunk declares 1000 bytes but only 4 follow it");
        yield return Case(
            "data before fmt",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0, .. s_fmt16kMono16],
            "the data chunk comes before the fmt chunk");
        yield return Case(
            "8-bit PCM",
            [.. "RIFF"u8, 38, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x80, 0x3E, 0, 0, 1, 0, 8, 0, .. "data"u8, 2, 0, 0, 0, 0x80, 0xC0],
            "8-bit PCM is not supported; convert with `sox in.wav -b 16 out.wav`");
        yield return Case(
            "MP3 in WAV (tag 0x55)",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 0x55, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 1, 0, 0, 0, .. "data"u8, 4, 0, 0, 0, 0xFF, 0xFB, 0x90, 0x00],
            "format tag 0x0055 (MP3) is compressed or not PCM and is not supported (only 16/24-bit PCM and 32-bit float are); convert it with `ffmpeg -i in.wav -c:a pcm_s16le out.wav`");
        yield return Case(
            "mu-law (tag 7)",
            [.. "RIFF"u8, 38, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 7, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0, .. "data"u8, 2, 0, 0, 0, 0xFF, 0x7F],
            "format tag 0x0007 (μ-law) is compressed or not PCM and is not supported (only 16/24-bit PCM and 32-bit float are); convert it with `sox in.wav -e signed-integer -b 16 out.wav`");
        yield return Case(
            "6 channels",
            [.. "RIFF"u8, 48, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 6, 0, 0x80, 0x3E, 0, 0, 0x00, 0x77, 0x01, 0, 12, 0, 16, 0, .. "data"u8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "the audio has 6 channels; only mono and stereo are supported; mix it down with `sox in.wav -c 1 out.wav`");
        yield return Case(
            "32 kHz",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x00, 0x7D, 0, 0, 0x00, 0xFA, 0, 0, 2, 0, 16, 0, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0],
            "sample rate 32000 Hz is not supported (8000, 16000, 22050, 44100 or 48000 Hz are); resample with `sox in.wav -r 16000 out.wav`");
        yield return Case(
            "wrong block align",
            [.. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 4, 0, 16, 0, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0],
            "block align is 4 but 1 channel(s) of 16-bit samples need 2");
        yield return Case(
            "extensible with an unknown sub-format",
            [
                .. "RIFF"u8, 64, 0, 0, 0, .. "WAVE"u8,
                .. "fmt "u8, 40, 0, 0, 0, 0xFE, 0xFF, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0x7D, 0, 0, 2, 0, 16, 0,
                22, 0, 16, 0, 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0,
            ],
            "WAVE_FORMAT_EXTENSIBLE with sub-format");
        yield return Case("MP3 file with ID3 tag", [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB], "this is an MP3 file");
    }

    [TestCaseSource(nameof(MalformedFiles))]
    public void Read_Malformed_ThrowsWithPhrase(byte[] bytes, string phrase)
    {
        using var stream = new MemoryStream(bytes);

        var error = Assert.Throws<AudioFormatException>(() => WavReader.Read(stream, "bad.wav"));

        Assert.That(error!.Message, Does.StartWith("WAV file 'bad.wav': ").And.Contain(phrase));
    }

    [TestCaseSource(nameof(MalformedFiles))]
    public void Read_MalformedFromPipe_ThrowsWithPhrase(byte[] bytes, string phrase)
    {
        // A pipe has no length; the RIFF size still bounds the chunks, so every check but "RIFF size beyond the file" still applies.
        if (phrase.StartsWith("the RIFF size field says the file has", StringComparison.Ordinal))
        {
            Assert.That(WavReader.Read(new NonSeekableStream(bytes)).Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f }));
            return;
        }

        var error = Assert.Throws<AudioFormatException>(() => WavReader.Read(new NonSeekableStream(bytes)));

        Assert.That(error!.Message, Does.StartWith("WAV stream: ").And.Contain(phrase));
    }

    [Test]
    public void Read_PipeEndingBeforeDeclaredData_Throws()
    {
        byte[] bytes = [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 8, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0];

        var error = Assert.Throws<AudioFormatException>(() => WavReader.Read(new NonSeekableStream(bytes), "pipe.wav"));

        Assert.That(error!.Message, Is.EqualTo("WAV file 'pipe.wav': the data chunk declares 4 sample frames but the file ends after 2; it is truncated, export it again"));
    }

    [Test]
    public void Read_DataSizeFFFFFFFF_ReadsToEndAsStreamed()
    {
        byte[] bytes = [.. "RIFF"u8, 0xFF, 0xFF, 0xFF, 0xFF, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x40, 0x00, 0xC0, 0x00, 0x20, 0x7F];

        var audio = WavReader.Read(new NonSeekableStream(bytes));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(audio.Source.IsStreamed, Is.True);
            Assert.That(audio.Source.FrameCount, Is.Null);
            Assert.That(audio.SourceFrameCount, Is.EqualTo(3));
            Assert.That(audio.Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f, 0.25f }));
        }
    }

    [Test]
    public void Read_DataSizeZeroWithBytesAfter_ReadsToEndAsStreamed()
    {
        byte[] bytes = [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16, .. "data"u8, 0, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0];

        var audio = WavReader.Read(new MemoryStream(bytes));

        Assert.That(audio.Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f }));
    }

    [Test]
    public void Read_OddSizedChunkBeforeData_SkipsPadByte()
    {
        byte[] bytes = [.. "RIFF"u8, 52, 0, 0, 0, .. "WAVE"u8, .. s_fmt16kMono16, .. "LIST"u8, 3, 0, 0, 0, 1, 2, 3, 0, .. "data"u8, 4, 0, 0, 0, 0x00, 0x40, 0x00, 0xC0];

        Assert.That(WavReader.Read(new MemoryStream(bytes)).Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f }));
    }

    [Test]
    public void Read_24BitAndFloatAndStereo_DecodeToHandWorkedValues()
    {
        // 24-bit: 0x400000 / 2^23 = 0.5, 0xC00000 = -0.5.
        byte[] pcm24 = [.. "RIFF"u8, 42, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0xBB, 0, 0, 3, 0, 24, 0, .. "data"u8, 6, 0, 0, 0, 0, 0, 0x40, 0, 0, 0xC0];

        // Float: 0x3F000000 = 0.5, 0xBE800000 = -0.25, 0x40000000 = 2.0 (clamped to 1).
        byte[] float32 = [.. "RIFF"u8, 48, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 3, 0, 1, 0, 0x80, 0x3E, 0, 0, 0x00, 0xFA, 0, 0, 4, 0, 32, 0, .. "data"u8, 12, 0, 0, 0, 0, 0, 0, 0x3F, 0, 0, 0x80, 0xBE, 0, 0, 0, 0x40];

        // Stereo 16-bit: (0.5 + 0) / 2 = 0.25, (-0.5 + -0.25) / 2 = -0.375.
        byte[] stereo = [.. "RIFF"u8, 44, 0, 0, 0, .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 2, 0, 0x80, 0x3E, 0, 0, 0x00, 0xFA, 0, 0, 4, 0, 16, 0, .. "data"u8, 8, 0, 0, 0, 0x00, 0x40, 0, 0, 0x00, 0xC0, 0x00, 0xE0];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(WavReader.Read(new MemoryStream(pcm24)).Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.5f }));
            Assert.That(WavReader.Read(new MemoryStream(float32)).Samples.ToArray(), Is.EqualTo(new[] { 0.5f, -0.25f, 1f }));
            Assert.That(WavReader.Read(new MemoryStream(stereo)).Samples.ToArray(), Is.EqualTo(new[] { 0.25f, -0.375f }));
        }
    }

    private static TestCaseData Case(string name, byte[] bytes, string phrase) => new TestCaseData(bytes, phrase).SetName($"{{m}}({name})");
}
