using Chorus.Plugins;

namespace Chorus.Hosting.Tests.Plugins;

/// <summary>A plugin that cannot even be created: its constructor throws, as one that checks a licence at start-up might.</summary>
public sealed class ThrowingPlugin : IModelPlugin
{
    public ThrowingPlugin()
    {
        throw new InvalidOperationException("license server unreachable");
    }

    public IModel CreateModel(PluginContext context) => throw new NotSupportedException("never reached: the constructor throws");
}
