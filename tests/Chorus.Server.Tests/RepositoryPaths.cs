namespace Chorus.Server.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Sdk.sln, found by walking up from the test output folder.</summary>
    public static string Root => Chorus.Tests.RepositoryRoot.Path;

    /// <summary>The shipped plugins and the digits ensemble.</summary>
    public static string Plugins => Path.Combine(Root, "plugins");

    /// <summary>tests/data/digits/test.csv: header p0..p63,label.</summary>
    public static string DigitsTest => Path.Combine(Root, "tests", "data", "digits", "test.csv");
}
