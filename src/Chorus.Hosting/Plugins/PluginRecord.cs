using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary>One plugin the host found: where, what its manifest says, whether it loaded and, if not, why.</summary>
public sealed class PluginRecord
{
    internal PluginRecord(string id, string source, PluginManifest? manifest, IModel? model, string? error)
    {
        Id = id;
        Source = source;
        Manifest = manifest;
        Model = model;
        Error = error;
    }

    /// <summary>The plugin id (the folder name when the manifest could not be read).</summary>
    public string Id { get; }

    /// <summary>The plugin folder, or "code" for plugins registered in code.</summary>
    public string Source { get; }

    /// <summary>The manifest, when it could be read.</summary>
    public PluginManifest? Manifest { get; }

    /// <summary>The loaded model; null when the plugin failed.</summary>
    public IModel? Model { get; }

    /// <summary>Why the plugin failed: the file and the problem.</summary>
    public string? Error { get; }

    /// <summary>Loaded or failed.</summary>
    public PluginStatus Status => Model is null ? PluginStatus.Failed : PluginStatus.Loaded;
}
