namespace Chorus.Cli.Tests;

/// <summary>Paths in the repository the tests run from (found by walking up to Sdk.sln).</summary>
internal static class Repository
{
    public static string Root => Chorus.Tests.RepositoryRoot.Path;

    public static string Plugins => Path.Combine(Root, "plugins");

    public static string DigitsEnsemble => Path.Combine(Plugins, "digits.ensemble.json");

    public static string Digits(string split) => Path.Combine(Root, "tests", "data", "digits", $"{split}.csv");
}
