namespace Chorus.Cli.Tests;

/// <summary>Paths in the repository the tests run from (found by walking up to Sdk.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Plugins => Path.Combine(Root, "plugins");

    public static string DigitsEnsemble => Path.Combine(Plugins, "digits.ensemble.json");

    public static string Digits(string split) => Path.Combine(Root, "tests", "data", "digits", $"{split}.csv");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Sdk.sln was not found above the test directory.");
    }
}
