using System.Reflection;
using Chorus.Plugins;
using Microsoft.Extensions.Logging;

namespace Chorus.Hosting.Plugins;

/// <summary>Loads an assembly plugin into its own <see cref="PluginLoadContext"/> and creates its model.</summary>
internal static class AssemblyPluginLoader
{
    /// <summary>Loads the plugin's assembly (once per plugin) and returns it.</summary>
    public static Assembly LoadAssembly(PluginManifest manifest)
    {
        var (assemblyPath, _) = EntryPoint(manifest);
        if (!File.Exists(assemblyPath))
        {
            throw new PluginLoadException(manifest.Id,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): assembly '{assemblyPath}' is missing. Build the plugin (its output goes to the plugin folder) or fix 'entryPoint'.");
        }

        var context = new PluginLoadContext(assemblyPath, manifest.Id);
        try
        {
            return context.LoadFromAssemblyPath(assemblyPath);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException)
        {
            context.Unload();
            throw new PluginLoadException(manifest.Id, $"plugin '{manifest.Id}' ({manifest.ManifestPath}): '{assemblyPath}' is not a loadable .NET assembly: {ex.Message}", ex);
        }
    }

    public static IModel CreateModel(PluginManifest manifest, Assembly assembly, IModelSessionFactory sessions, ILoggerFactory loggerFactory)
    {
        var (_, typeName) = EntryPoint(manifest);
        var type = assembly.GetType(typeName, throwOnError: false);
        if (type is null || !typeof(IModelPlugin).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new PluginLoadException(manifest.Id,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): entry point type '{typeName}' " +
                (type is null ? $"is not in {assembly.GetName().Name}" : "does not implement Chorus.Plugins.IModelPlugin as a concrete class") +
                ". Fix 'entryPoint' in plugin.json.");
        }

        IModelPlugin plugin;
        try
        {
            plugin = (IModelPlugin)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new PluginLoadException(manifest.Id,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): the constructor of {type.FullName} threw {ex.InnerException.GetType().Name}: {ex.InnerException.Message}", ex.InnerException);
        }
        catch (MissingMethodException ex)
        {
            throw new PluginLoadException(manifest.Id, $"plugin '{manifest.Id}' ({manifest.ManifestPath}): {type.FullName} needs a public parameterless constructor.", ex);
        }

        IModel model;
        try
        {
            model = plugin.CreateModel(new PluginContext(manifest, sessions, loggerFactory));
        }
        catch (Exception ex) when (ex is not PluginLoadException)
        {
            throw new PluginLoadException(manifest.Id,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): {type.FullName}.CreateModel threw {ex.GetType().Name}: {ex.Message}", ex);
        }

        if (model is null || model.Id != manifest.Id)
        {
            model?.Dispose();
            throw new PluginLoadException(manifest.Id,
                $"plugin '{manifest.Id}' ({manifest.ManifestPath}): CreateModel must return a model whose Id is '{manifest.Id}'.");
        }

        return model;
    }

    /// <summary>Creates every <see cref="IChorusModule"/> of the assembly.</summary>
    public static IEnumerable<IChorusModule> Modules(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => typeof(IChorusModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IChorusModule)Activator.CreateInstance(t)!);

    private static (string AssemblyPath, string TypeName) EntryPoint(PluginManifest manifest)
    {
        var parts = manifest.EntryPoint!.Split(':', 2);
        return (Path.GetFullPath(Path.Combine(manifest.Directory, parts[0])), parts[1]);
    }
}
