using System.Reflection;
using Chorus.Hosting.Plugins;
using Chorus.OnnxRuntime;
using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Hosting;

/// <summary><c>services.AddChorus(...)</c>.</summary>
public static class ChorusServiceCollectionExtensions
{
    /// <summary>
    /// Adds Chorus: the plugin catalog (plugin folders scanned), the model session factory plugins use, and
    /// <see cref="ChorusHost"/> with the ensembles found beside the plugins. Assembly plugins' <see cref="IChorusModule"/>s
    /// are called now, so their services join this collection.
    /// </summary>
    public static ChorusBuilder AddChorus(this IServiceCollection services, Action<ChorusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ChorusOptions();
        configure?.Invoke(options);
        var builder = new ChorusBuilder(services);

        // Load assembly plugins now to run their modules; the catalog reuses these assemblies (and reports any failure).
        var preloaded = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        foreach (var folder in options.PluginDirectories.SelectMany(d => PluginCatalog.PluginFolders(Path.GetFullPath(d))))
        {
            try
            {
                var manifest = PluginManifest.Load(folder);
                if (manifest.Runtime != PluginRuntime.Assembly)
                {
                    continue;
                }

                var assembly = AssemblyPluginLoader.LoadAssembly(manifest);
                preloaded[manifest.ManifestPath] = assembly;
                foreach (var module in AssemblyPluginLoader.Modules(assembly))
                {
                    module.ConfigureServices(services);
                }
            }
            catch (ChorusException)
            {
                // Reported with the file and the reason by the catalog, which loads this plugin again.
            }
        }

        services.AddSingleton(options);
        services.AddSingleton<OnnxSessionFactory>();
        services.AddSingleton<IModelSessionFactory>(sp => sp.GetRequiredService<OnnxSessionFactory>());
        services.AddSingleton(sp =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            InitializeEnvironment(options, loggerFactory);
            return new PluginCatalog(options, sp.GetRequiredService<OnnxSessionFactory>(), builder.CodePlugins, preloaded, loggerFactory);
        });
        services.AddSingleton(sp => new ChorusHost(options, sp.GetRequiredService<PluginCatalog>(), sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return builder;
    }

    /// <summary>Creates the process's ONNX Runtime environment with the host's settings, unless they are the defaults and one exists.</summary>
    internal static void InitializeEnvironment(ChorusOptions options, ILoggerFactory loggerFactory)
    {
        OrtEnvironment.Initialize(options.Environment == new OrtEnvironmentOptions() ? null : options.Environment, loggerFactory);
    }
}
