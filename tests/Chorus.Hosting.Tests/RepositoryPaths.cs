namespace Chorus.Hosting.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding Sdk.sln, found by walking up from the test output folder.</summary>
    public static string Root => Chorus.Tests.RepositoryRoot.Path;

    /// <summary>The shipped plugins and the digits ensemble.</summary>
    public static string Plugins => Path.Combine(Root, "plugins");

    /// <summary>The digits splits (header p0..p63,label).</summary>
    public static string Digits => Path.Combine(Root, "tests", "data", "digits");

    /// <summary>Where tests/Chorus.Hosting.Tests.Plugins builds its assembly (and its dependencies).</summary>
    public static string TestPlugins => Path.Combine(Root, "artifacts", "test-plugins");

    /// <summary>The test plugin assembly's file name, as entry points name it.</summary>
    public const string TestPluginAssembly = "Chorus.Hosting.Tests.Plugins.dll";

    /// <summary>The namespace of the test plugin types.</summary>
    public const string TestPluginNamespace = "Chorus.Hosting.Tests.Plugins";
}
