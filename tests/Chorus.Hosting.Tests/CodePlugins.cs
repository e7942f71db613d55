using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests;

/// <summary>Registers test-made models as code plugins through <c>AddChorus</c> and resolves the host.</summary>
internal static class CodePlugins
{
    /// <summary>The manifest a code plugin registers with (as a plugin folder's plugin.json would give it).</summary>
    public static PluginManifest Manifest(string id, IReadOnlyList<string> labels) => new()
    {
        Id = id,
        Version = "1.0.0",
        Task = ModelTask.Classification,
        Runtime = PluginRuntime.Assembly,
        Labels = labels,
    };

    /// <summary>A container with Chorus and these models registered in code; dispose it to dispose the host.</summary>
    public static ServiceProvider Provider(params IModel[] models)
    {
        var services = new ServiceCollection();
        var chorus = services.AddChorus();
        foreach (var model in models)
        {
            chorus.AddPlugin(Manifest(model.Id, model.Labels), new ModelInstancePlugin(model));
        }

        return services.BuildServiceProvider();
    }
}
