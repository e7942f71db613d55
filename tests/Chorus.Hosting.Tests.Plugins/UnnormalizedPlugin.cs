using Chorus.Plugins;

namespace Chorus.Hosting.Tests.Plugins;

/// <summary>
/// A deliberately non-conforming plugin: its "probabilities" are 0.5 for every label, so a row sums to half the label
/// count instead of 1. The conformance kit must catch this.
/// </summary>
public sealed class UnnormalizedPlugin : IModelPlugin
{
    public IModel CreateModel(PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FixedScoresModel(context.Manifest, Enumerable.Repeat(0.5f, context.Manifest.Labels.Count).ToArray());
    }
}
