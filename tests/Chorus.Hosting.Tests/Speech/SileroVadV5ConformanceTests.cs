using Chorus.Testing;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>The conformance kit on the shipped voice-activity plugin silero-vad-v5 (one frame of espeak-ng speech as the sample).</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class SileroVadV5ConformanceTests : PluginConformanceTests
{
    protected override string PluginDirectory => Path.Combine(RepositoryPaths.Plugins, "silero-vad-v5");

    protected override float[] ValidSample { get; } = SpeechAudio.Speak("Hello there.").AsSpan(4000, 512).ToArray();
}
