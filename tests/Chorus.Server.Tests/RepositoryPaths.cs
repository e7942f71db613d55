namespace Chorus.Server.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Sdk.sln, found by walking up from the test output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shipped plugins and the digits ensemble.</summary>
    public static string Plugins => Path.Combine(Root, "plugins");

    /// <summary>tests/data/digits/test.csv: header p0..p63,label.</summary>
    public static string DigitsTest => Path.Combine(Root, "tests", "data", "digits", "test.csv");

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
