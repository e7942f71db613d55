using Chorus.Testing;

namespace Chorus.Hosting.Tests;

/// <summary>
/// The conformance kit inherited for a plugin that breaks the probability contract (UnnormalizedPlugin: every label
/// 0.5). Its Predict check must fail, so the fixture is explicit: it never runs with the suite.
/// <see cref="ConformanceKitTests"/> runs its checks and asserts which fail.
/// </summary>
[TestFixture]
[Explicit("Deliberately non-conforming: its failures are asserted by ConformanceKitTests.")]
[Category("Integration")]
[NonParallelizable]
public sealed class UnnormalizedPluginConformanceTests : PluginConformanceTests
{
    private readonly TempFolder _folder = TestPluginFolder.Create("unnormalized", "UnnormalizedPlugin");

    protected override string PluginDirectory => Path.Combine(_folder.Path, "unnormalized");

    protected override float[] ValidSample => [1, 2, 3, 4];

    [OneTimeTearDown]
    public void DeleteFolder() => _folder.Dispose();
}
