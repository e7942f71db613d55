namespace Chorus.Abstractions.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Sdk.sln, found by walking up from the test output folder.</summary>
    public static string Root => Chorus.Tests.RepositoryRoot.Path;

    public static string Plugins => Path.Combine(Root, "plugins");
}
