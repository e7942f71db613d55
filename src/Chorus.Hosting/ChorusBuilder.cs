using Chorus.Hosting.Plugins;
using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting;

/// <summary>Returned by <c>AddChorus</c>: registers plugins in code.</summary>
public sealed class ChorusBuilder
{
    internal ChorusBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection Chorus was added to.</summary>
    public IServiceCollection Services { get; }

    internal List<CodePluginRegistration> CodePlugins { get; } = [];

    /// <summary>Registers a plugin type with its manifest (as if it came from a plugin folder, without the folder).</summary>
    public ChorusBuilder AddPlugin<TPlugin>(PluginManifest manifest)
        where TPlugin : IModelPlugin, new()
    {
        ArgumentNullException.ThrowIfNull(manifest);
        CodePlugins.Add(new CodePluginRegistration(manifest, () => new TPlugin()));
        return this;
    }

    /// <summary>Registers a plugin instance with its manifest.</summary>
    public ChorusBuilder AddPlugin(PluginManifest manifest, IModelPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(plugin);
        CodePlugins.Add(new CodePluginRegistration(manifest, () => plugin));
        return this;
    }
}
