using System.Reflection;
using System.Runtime.Loader;

namespace Chorus.Hosting.Plugins;

/// <summary>
/// The collectible load context of one assembly plugin. It resolves the plugin's own dependencies from its folder, but
/// shares Chorus.Abstractions and Microsoft.Extensions.* with the host, so the contract types are the same on both sides.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string pluginAssemblyPath, string pluginId)
        : base($"chorus-plugin:{pluginId}", isCollectible: true)
    {
        _resolver = new AssemblyDependencyResolver(pluginAssemblyPath);
    }

    public static bool IsShared(AssemblyName name) =>
        name.Name is { } simple
        && (simple == "Chorus.Abstractions" || simple.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal));

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            // Null defers to the default context: the host's copy.
            return null;
        }

        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override nint LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? 0 : LoadUnmanagedDllFromPath(path);
    }
}
