using Chorus.Testing;

namespace Chorus.Hosting.Tests;

/// <summary>The conformance kit on the test assembly plugin EchoPlugin: a conforming plugin loaded from a folder.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class EchoPluginConformanceTests : PluginConformanceTests
{
    // Made in the constructor: the kit's [OneTimeSetUp] (in the base class) runs before any of this class's and needs it.
    private readonly TempFolder _folder = TestPluginFolder.Create("echo", "EchoPlugin");

    protected override string PluginDirectory => Path.Combine(_folder.Path, "echo");

    protected override float[] ValidSample => [1, 2, 3, 4];

    [OneTimeTearDown]
    public void DeleteFolder() => _folder.Dispose();
}
