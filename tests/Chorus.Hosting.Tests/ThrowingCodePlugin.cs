using Chorus.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>A code-registered plugin whose CreateModel throws.</summary>
internal sealed class ThrowingCodePlugin : IModelPlugin
{
    public IModel CreateModel(PluginContext context) => throw new NotSupportedException("no model today");
}
