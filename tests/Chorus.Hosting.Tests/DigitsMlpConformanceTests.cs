using Chorus.Testing;

namespace Chorus.Hosting.Tests;

/// <summary>The conformance kit on the shipped plugin digits-mlp.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DigitsMlpConformanceTests : PluginConformanceTests
{
    protected override string PluginDirectory => Path.Combine(RepositoryPaths.Plugins, "digits-mlp");

    protected override float[] ValidSample { get; } = DigitsData.FirstTestSample();
}
