namespace Chorus.Hosting.Tests;

/// <summary>A temporary plugin directory holding one plugin folder made from the test plugin assembly.</summary>
internal static class TestPluginFolder
{
    /// <summary>
    /// Creates <c>TEMP/ID/plugin.json</c> for the test plugin type <paramref name="typeName"/>, with 3 labels and samples
    /// of 4 values; returns the temporary folder (the plugin folder is <c>Path/ID</c>).
    /// </summary>
    public static TempFolder Create(string id, string typeName)
    {
        var folder = new TempFolder();
        folder.AddTestPluginFolder(id, $$"""
            {
              "id": "{{id}}", "version": "1.0.0", "task": "classification", "runtime": "assembly",
              "entryPoint": "{{RepositoryPaths.TestPluginAssembly}}:{{RepositoryPaths.TestPluginNamespace}}.{{typeName}}",
              "labels": ["a", "b", "c"],
              "inputs": [ { "name": "x", "shape": [-1, 4] } ],
              "license": "Part of the Chorus tests.", "provenance": "Written by hand for the tests."
            }
            """);
        return folder;
    }
}
