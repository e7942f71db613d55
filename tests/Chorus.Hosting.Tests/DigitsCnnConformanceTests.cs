using Chorus.Testing;

namespace Chorus.Hosting.Tests;

/// <summary>The conformance kit on the shipped plugin digits-cnn.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DigitsCnnConformanceTests : PluginConformanceTests
{
    protected override string PluginDirectory => Path.Combine(RepositoryPaths.Plugins, "digits-cnn");

    protected override float[] ValidSample { get; } = DigitsData.FirstTestSample();
}
