namespace Chorus.Abstractions.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Sdk.sln, found by walking up from the test output folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string Plugins => Path.Combine(Root, "plugins");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sdk.sln above {TestContext.CurrentContext.TestDirectory}; the tests run inside the repository.");
    }
}
