using Chorus.Plugins;

namespace Chorus.Plugins.SileroVad;

/// <summary>The entry point named in plugin.json: creates a Silero voice-activity detector (v4 or v5, read from the graph).</summary>
public sealed class SileroVadPlugin : IModelPlugin
{
    /// <inheritdoc />
    public IModel CreateModel(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SileroVadModel(context);
    }
}
