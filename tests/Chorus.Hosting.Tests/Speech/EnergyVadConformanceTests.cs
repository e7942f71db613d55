using Chorus.Testing;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>The conformance kit on the shipped voice-activity plugin energy-vad (one frame of espeak-ng speech as the sample).</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class EnergyVadConformanceTests : PluginConformanceTests
{
    protected override string PluginDirectory => Path.Combine(RepositoryPaths.Plugins, "energy-vad");

    protected override float[] ValidSample { get; } = SpeechAudio.Speak("Hello there.").AsSpan(4000, 320).ToArray();
}
