using System.Reflection;
using Chorus.Plugins;
using Microsoft.Extensions.Logging;

namespace Chorus.Hosting.Plugins;

/// <summary>
/// Every plugin the host found, loaded or not. Plugin folders are scanned once; a plugin that fails (bad manifest, missing
/// file, an exception in its code, a model that does not match its manifest) is recorded with the file and the reason,
/// and the others load and serve.
/// </summary>
public sealed class PluginCatalog : IDisposable
{
    private readonly List<PluginRecord> _records = [];
    private readonly ILogger _logger;

    internal PluginCatalog(ChorusOptions options, OnnxSessionFactory sessions, IEnumerable<CodePluginRegistration> codePlugins,
        IReadOnlyDictionary<string, Assembly> preloaded, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("Chorus.Plugins");
        foreach (var directory in options.PluginDirectories)
        {
            Scan(Path.GetFullPath(directory), sessions, preloaded, loggerFactory);
        }

        foreach (var registration in codePlugins)
        {
            Add(LoadCodePlugin(registration, sessions, loggerFactory));
        }

        // A second plugin with an id already loaded is refused (the first one found keeps serving).
        foreach (var duplicate in _records.Where(r => r.Status == PluginStatus.Loaded).GroupBy(r => r.Id).Where(g => g.Count() > 1).ToList())
        {
            foreach (var later in duplicate.Skip(1))
            {
                later.Model!.Dispose();
                _records[_records.IndexOf(later)] = new PluginRecord(later.Id, later.Source, later.Manifest, null,
                    $"plugin id '{later.Id}' is already used by {duplicate.First().Source}; ids must be unique, so this copy was not loaded.");
            }
        }
    }

    /// <summary>All plugins, in the order found.</summary>
    public IReadOnlyList<PluginRecord> Plugins => _records;

    /// <summary>The plugins that failed, with their reasons.</summary>
    public IEnumerable<PluginRecord> Failures => _records.Where(r => r.Status == PluginStatus.Failed);

    /// <summary>The loaded model of a plugin, or null if it is unknown or failed.</summary>
    public IModel? FindModel(string pluginId) =>
        _records.FirstOrDefault(r => r.Id == pluginId && r.Status == PluginStatus.Loaded)?.Model;

    /// <summary>The record of a plugin, loaded or failed.</summary>
    public PluginRecord? Find(string pluginId) => _records.FirstOrDefault(r => r.Id == pluginId);

    /// <summary>Disposes every loaded model.</summary>
    public void Dispose()
    {
        foreach (var record in _records)
        {
            record.Model?.Dispose();
        }
    }

    /// <summary>The plugin folders under a directory: each immediate subfolder with a plugin.json.</summary>
    internal static IEnumerable<string> PluginFolders(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateDirectories(directory).Where(d => File.Exists(Path.Combine(d, "plugin.json"))).Order(StringComparer.Ordinal)
            : [];

    private void Scan(string directory, OnnxSessionFactory sessions, IReadOnlyDictionary<string, Assembly> preloaded, ILoggerFactory loggerFactory)
    {
        if (!Directory.Exists(directory))
        {
            Add(new PluginRecord(Path.GetFileName(directory), directory, null, null,
                $"plugin directory '{directory}' does not exist; create it or fix ChorusOptions.PluginDirectories"));
            return;
        }

        foreach (var folder in PluginFolders(directory))
        {
            Add(LoadFolder(folder, sessions, preloaded, loggerFactory));
        }
    }

    private static PluginRecord LoadFolder(string folder, OnnxSessionFactory sessions, IReadOnlyDictionary<string, Assembly> preloaded, ILoggerFactory loggerFactory)
    {
        PluginManifest manifest;
        try
        {
            manifest = PluginManifest.Load(folder);
        }
        catch (PluginManifestException ex)
        {
            return new PluginRecord(ex.ModelName ?? Path.GetFileName(folder), folder, null, null, ex.Message);
        }

        try
        {
            IModel model = manifest.Runtime switch
            {
                PluginRuntime.Onnx => OnnxManifestModel.Load(manifest, sessions),
                PluginRuntime.Assembly => AssemblyPluginLoader.CreateModel(manifest,
                    preloaded.TryGetValue(manifest.ManifestPath, out var assembly) ? assembly : AssemblyPluginLoader.LoadAssembly(manifest),
                    sessions, loggerFactory),
                PluginRuntime.Native => NativePluginModel.Load(manifest),
                _ => throw new PluginLoadException(manifest.Id,
                    $"plugin '{manifest.Id}' ({manifest.ManifestPath}): runtime '{manifest.Runtime.ToString().ToLowerInvariant()}' is not supported by this host."),
            };
            return new PluginRecord(manifest.Id, folder, manifest, model, null);
        }
        catch (ChorusException ex)
        {
            return new PluginRecord(manifest.Id, folder, manifest, null, ex.Message);
        }
    }

    private static PluginRecord LoadCodePlugin(CodePluginRegistration registration, OnnxSessionFactory sessions, ILoggerFactory loggerFactory)
    {
        var manifest = registration.Manifest;
        try
        {
            var model = registration.Create().CreateModel(new PluginContext(manifest, sessions, loggerFactory));
            if (model is null || model.Id != manifest.Id)
            {
                model?.Dispose();
                return new PluginRecord(manifest.Id, "code", manifest, null,
                    $"plugin '{manifest.Id}' (registered in code): CreateModel must return a model whose Id is '{manifest.Id}'" + (model is null ? " (it returned null)." : $" (its Id is '{model.Id}')."));
            }

            return new PluginRecord(manifest.Id, "code", manifest, model, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new PluginRecord(manifest.Id, "code", manifest, null,
                $"plugin '{manifest.Id}' (registered in code): {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Add(PluginRecord record)
    {
        _records.Add(record);
        if (record.Status == PluginStatus.Failed)
        {
#pragma warning disable CA1848 // Plugin failures are rare; a LoggerMessage delegate buys nothing here.
            _logger.LogError("Plugin {PluginId} failed to load: {Reason}", record.Id, record.Error);
#pragma warning restore CA1848
        }
    }
}
