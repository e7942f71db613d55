namespace Chorus.Hosting.Plugins;

/// <summary>Whether a plugin loaded.</summary>
public enum PluginStatus
{
    /// <summary>The model is loaded and serves.</summary>
    Loaded,

    /// <summary>The plugin could not be loaded; <see cref="PluginRecord.Error"/> says why.</summary>
    Failed,
}
