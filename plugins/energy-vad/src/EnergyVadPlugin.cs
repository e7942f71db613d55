using Chorus.Plugins;

namespace Chorus.Plugins.EnergyVad;

/// <summary>The entry point named in plugin.json: creates the energy detector with noise-floor tracking.</summary>
public sealed class EnergyVadPlugin : IModelPlugin
{
    /// <inheritdoc />
    public IModel CreateModel(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EnergyVadModel(context.Manifest);
    }
}
