namespace Chorus.Tests;

/// <summary>The repository the tests run from: the folder holding Sdk.sln, found by walking up from the test output folder.</summary>
/// <remarks>Compiled into every *.Tests project (tests/Directory.Build.props links it).</remarks>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sdk.sln above {TestContext.CurrentContext.TestDirectory}; the tests run inside the repository.");
    }
}
