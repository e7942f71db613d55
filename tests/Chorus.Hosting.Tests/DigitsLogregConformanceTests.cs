using Chorus.Testing;

namespace Chorus.Hosting.Tests;

/// <summary>The conformance kit on the shipped plugin digits-logreg.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DigitsLogregConformanceTests : PluginConformanceTests
{
    protected override string PluginDirectory => Path.Combine(RepositoryPaths.Plugins, "digits-logreg");

    protected override float[] ValidSample { get; } = DigitsData.FirstTestSample();
}
