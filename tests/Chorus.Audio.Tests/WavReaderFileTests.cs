namespace Chorus.Audio.Tests;

/// <summary>Files made by sox and espeak-ng (data/make-test-audio.sh); expected values come from soxi and the synth parameters.</summary>
public sealed class WavReaderFileTests
{
    // Skip the first and last 10 ms (filter start-up and tail); 1280 samples are 80 periods of 1 kHz and 560 of 7 kHz.
    private const int WindowStart = 160;
    private const int WindowLength = 1280;

    private static IEnumerable<string> SineFiles => TestAudio.SineFiles;

    private static IEnumerable<string> DecodableFiles => TestAudio.DecodableFiles;

    [TestCaseSource(nameof(SineFiles))]
    public void Read_Sine1k_KeepsFrequencyAndAmplitudeAt16k(string file)
    {
        var audio = WavReader.Read(TestAudio.PathOf(file));
        var window = audio.Samples.Span.Slice(WindowStart, WindowLength);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(TestAudio.ZeroCrossingFrequency(window, 16000), Is.EqualTo(1000).Within(1).Percent);
            Assert.That(TestAudio.Amplitude(window, 1000, 16000), Is.EqualTo(0.5).Within(0.005));
            Assert.That(TestAudio.Amplitude(window, 2000, 16000), Is.LessThan(0.001));
        }
    }

    [Test]
    public void Read_7kHzAt48k_Passes()
    {
        var audio = WavReader.Read(TestAudio.PathOf("tone7k_48000_f32.wav"));
        var window = audio.Samples.Span.Slice(WindowStart, WindowLength);

        Assert.That(TestAudio.Amplitude(window, 7000, 16000), Is.EqualTo(0.5).Within(0.005));
    }

    [Test]
    public void Read_9kHzAt48k_IsAttenuatedAtLeast40dB()
    {
        var audio = WavReader.Read(TestAudio.PathOf("tone9k_48000_f32.wav"));
        var window = audio.Samples.Span.Slice(WindowStart, WindowLength);

        // A 9 kHz tone would alias to 16 - 9 = 7 kHz; the whole output must be 40 dB below the input tone's RMS.
        var inputRms = 0.5 / Math.Sqrt(2);
        var db = 20 * Math.Log10(TestAudio.Rms(window) / inputRms);
        Assert.That(db, Is.LessThan(-40));
    }

    [TestCase("left1k_44100_s16_stereo.wav")]
    [TestCase("left1k_48000_f32_stereo.wav")]
    public void Read_StereoWithToneInLeftOnly_GivesHalfAmplitude(string file)
    {
        var audio = WavReader.Read(TestAudio.PathOf(file));
        var window = audio.Samples.Span.Slice(WindowStart, WindowLength);

        Assert.That(TestAudio.Amplitude(window, 1000, 16000), Is.EqualTo(0.25).Within(0.003));
    }

    [TestCaseSource(nameof(DecodableFiles))]
    public void Read_MatchesWhatSoxiReports(string file)
    {
        var sox = TestAudio.Soxi.Single(i => i.File == file);
        var audio = WavReader.Read(TestAudio.PathOf(file));

        Assert.Multiple(() =>
        {
            Assert.That(audio.Source.SampleRate, Is.EqualTo(sox.Rate));
            Assert.That(audio.Source.Channels, Is.EqualTo(sox.Channels));
            Assert.That(audio.Source.BitsPerSample, Is.EqualTo(sox.Bits));
            Assert.That(audio.Source.Encoding, Is.EqualTo(sox.Encoding == "Floating Point PCM" ? WavSampleEncoding.IeeeFloat : WavSampleEncoding.PcmInteger));
            Assert.That(audio.Source.IsExtensible, Is.EqualTo(sox.FormatTag == 0xFFFE));
            Assert.That(audio.Source.FrameCount, Is.EqualTo(sox.Samples));
            Assert.That(audio.SourceFrameCount, Is.EqualTo(sox.Samples));
            Assert.That(audio.Duration.TotalSeconds, Is.EqualTo(sox.Seconds).Within(1e-6));
            Assert.That(audio.Samples.Length, Is.EqualTo(((sox.Samples * 16000) + sox.Rate - 1) / sox.Rate));
            Assert.That(audio.Samples.ToArray(), Has.All.InRange(-1f, 1f));
        });
    }

    [TestCase("speech_22050_s16.wav")]
    [TestCase("speech_22050_s16_stereo.wav")]
    [TestCase("speech_16000_s24.wav")]
    [TestCase("speech_8000_s16.wav")]
    public void Read_Speech_HasSpeechLevelEnergy(string file)
    {
        var audio = WavReader.Read(TestAudio.PathOf(file));

        Assert.That(TestAudio.Rms(audio.Samples.Span), Is.InRange(0.01, 0.5));
    }

    [Test]
    public void Read_SpeechStereoWithEqualChannels_EqualsMono()
    {
        var mono = WavReader.Read(TestAudio.PathOf("speech_22050_s16.wav"));
        var stereo = WavReader.Read(TestAudio.PathOf("speech_22050_s16_stereo.wav"));

        Assert.That(stereo.Samples.ToArray(), Is.EqualTo(mono.Samples.ToArray()));
    }

    [TestCase("reject_8bit.wav", "8-bit PCM is not supported; convert with `sox in.wav -b 16 out.wav`")]
    [TestCase("reject_ulaw.wav", "format tag 0x0007 (μ-law)")]
    [TestCase("reject_alaw.wav", "format tag 0x0006 (A-law)")]
    [TestCase("reject_msadpcm.wav", "format tag 0x0002 (Microsoft ADPCM)")]
    [TestCase("reject_imaadpcm.wav", "format tag 0x0011 (IMA ADPCM)")]
    [TestCase("reject_3ch.wav", "3 channels; only mono and stereo are supported; mix it down with `sox in.wav -c 1 out.wav`")]
    [TestCase("reject_11025.wav", "sample rate 11025 Hz is not supported")]
    public void Read_UnsupportedFile_ThrowsNamingFileAndFix(string file, string phrase)
    {
        var path = TestAudio.PathOf(file);

        var error = Assert.Throws<AudioFormatException>(() => WavReader.Read(path));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain(phrase));
            Assert.That(error.Message, Does.Contain(path));
            Assert.That(error.Message, Does.Contain("sox"));
            Assert.That(error.SourceName, Is.EqualTo(path));
        });
    }
}
