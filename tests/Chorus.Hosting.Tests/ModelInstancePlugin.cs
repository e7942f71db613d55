using Chorus.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>A code-registered plugin that hands the host a model the test made.</summary>
internal sealed class ModelInstancePlugin : IModelPlugin
{
    private readonly IModel _model;

    public ModelInstancePlugin(IModel model)
    {
        _model = model;
    }

    public IModel CreateModel(PluginContext context) => _model;
}
