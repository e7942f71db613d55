using Chorus.Plugins;

namespace Chorus.Hosting.Tests.Plugins;

/// <summary>
/// A working assembly plugin with known output: every sample gets <see cref="FixedScoresModel.Scores"/> for its manifest's
/// labels, whatever the sample holds.
/// </summary>
public sealed class EchoPlugin : IModelPlugin
{
    public IModel CreateModel(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FixedScoresModel(context.Manifest, FixedScoresModel.Scores(context.Manifest.Labels.Count));
    }
}
