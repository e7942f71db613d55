using Chorus.Plugins;

namespace Chorus.Plugins.DigitsCnn;

/// <summary>The entry point named in plugin.json: creates the CNN digit classifier.</summary>
public sealed class DigitsCnnPlugin : IModelPlugin
{
    /// <inheritdoc />
    public IModel CreateModel(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DigitsCnnModel(context);
    }
}
