namespace Chorus.Plugins;

/// <summary>A <c>plugin.json</c> that cannot be used; <see cref="Problems"/> lists every problem found, not only the first.</summary>
public sealed class PluginManifestException : ChorusException
{
    /// <summary>Creates the exception for a manifest file and its problems.</summary>
    public PluginManifestException(string manifestPath, IReadOnlyList<string> problems, string? pluginId = null, Exception? innerException = null)
        : base($"{Describe(manifestPath, pluginId)}: {string.Join("; ", problems)}", pluginId, innerException)
    {
        ManifestPath = manifestPath;
        Problems = problems;
    }

    /// <summary>Creates the exception with a message.</summary>
    public PluginManifestException(string message)
        : this("plugin.json", [message])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PluginManifestException(string message, Exception? innerException)
        : this("plugin.json", [message], null, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public PluginManifestException()
        : this("plugin.json", ["the manifest is not valid"])
    {
    }

    /// <summary>The manifest file.</summary>
    public string ManifestPath { get; }

    /// <summary>Each problem, as a sentence that says what to fix.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(string path, string? id) => id is null ? path : $"plugin '{id}' ({path})";
}
