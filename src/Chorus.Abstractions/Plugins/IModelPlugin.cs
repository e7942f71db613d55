namespace Chorus.Plugins;

/// <summary>
/// The entry point of an assembly plugin, named by <c>entryPoint</c> in its <c>plugin.json</c>. The host creates it with a
/// public parameterless constructor and asks it for the model.
/// </summary>
public interface IModelPlugin
{
    /// <summary>Creates the model. Throw a <see cref="ChorusException"/> with a clear message if it cannot be made.</summary>
    IModel CreateModel(PluginContext context);
}
