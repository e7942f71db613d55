using System.Reflection;
using System.Runtime.CompilerServices;
using Chorus.Plugins;
using Microsoft.Extensions.Logging;

namespace Chorus.Hosting.Plugins;

/// <summary>
/// Every plugin the host found, loaded or not. Plugin folders are scanned once; a plugin that fails (bad manifest, missing
/// file, an exception in its code, a model that does not match its manifest) is recorded with the file and the reason,
/// and the others load and serve. A plugin can be unloaded and loaded again from its folder while the host serves
/// (<see cref="Unload"/>, <see cref="Reload"/>); calls through <see cref="GetServingModel"/> see the swap without failing.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Plugins"/> is an immutable snapshot replaced as a whole on every unload or reload, so readers
/// never see a list being changed. Each loaded model has a gate that counts the calls running on it; an unload or reload
/// retires the old model and disposes it when its last running call returns, never under a call.
/// </remarks>
public sealed class PluginCatalog : IDisposable
{
    private readonly List<PluginRecord> _records = [];
    private readonly ILogger _logger;
    private readonly OnnxSessionFactory _sessions;
    private readonly IReadOnlyDictionary<string, Assembly> _preloaded;
    private readonly ILoggerFactory _loggerFactory;

    // Serializes unloads and reloads (slow: they read files); readers never take it.
    private readonly Lock _changeLock = new();

    // The gate of every model currently or recently served, keyed by the record that holds it (one record, one model).
    private readonly ConditionalWeakTable<PluginRecord, ModelGate> _gates = new();
    private PluginRecord[] _snapshot = [];
    private bool _disposed;

    internal PluginCatalog(ChorusOptions options, OnnxSessionFactory sessions, IEnumerable<CodePluginRegistration> codePlugins,
        IReadOnlyDictionary<string, Assembly> preloaded, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("Chorus.Plugins");
        _sessions = sessions;
        _preloaded = preloaded;
        _loggerFactory = loggerFactory;
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

        _snapshot = [.. _records];
    }

    /// <summary>All plugins, in the order found; after an unload or reload, the plugin's new record takes the old one's place.</summary>
    public IReadOnlyList<PluginRecord> Plugins => Volatile.Read(ref _snapshot);

    /// <summary>The plugins that failed (or were unloaded), with their reasons.</summary>
    public IEnumerable<PluginRecord> Failures => Plugins.Where(r => r.Status == PluginStatus.Failed);

    /// <summary>The loaded model of a plugin, or null if it is unknown, failed or unloaded.</summary>
    /// <remarks>The model is disposed when the plugin is unloaded or reloaded; callers that may run across that use <see cref="GetServingModel"/>.</remarks>
    public IModel? FindModel(string pluginId) =>
        Plugins.FirstOrDefault(r => r.Id == pluginId && r.Status == PluginStatus.Loaded)?.Model;

    /// <summary>The record of a plugin, loaded or failed.</summary>
    public PluginRecord? Find(string pluginId) => Plugins.FirstOrDefault(r => r.Id == pluginId);

    /// <summary>
    /// A model that calls whichever version of the plugin is loaded when each <see cref="IModel.Predict"/> starts, holding
    /// that version until the call returns (an unload or reload waits for it before disposing the version). Null when the
    /// plugin is unknown or not loaded now.
    /// </summary>
    /// <remarks>
    /// The catalog owns the versions; disposing the returned model does nothing. Its <see cref="IModel.Labels"/> and
    /// <see cref="IModel.SampleSize"/> are the version loaded now; a call after the plugin was unloaded, or reloaded with
    /// other labels or sample size, throws <see cref="PluginLoadException"/> saying so.
    /// </remarks>
    public IModel? GetServingModel(string pluginId)
    {
        ArgumentNullException.ThrowIfNull(pluginId);
        return Find(pluginId)?.Model is { } model ? new ServingModel(this, pluginId, model) : null;
    }

    /// <summary>
    /// Unloads a plugin: new calls see it as unloaded (its record is replaced by a failed one saying so), and its model is
    /// disposed once the calls running on it return. Unloading a plugin that is not loaded changes nothing.
    /// </summary>
    /// <returns>The plugin's new record (status <see cref="PluginStatus.Failed"/>, the error saying it was unloaded).</returns>
    /// <exception cref="PluginLoadException">There is no plugin with that id.</exception>
    public PluginRecord Unload(string pluginId)
    {
        ArgumentNullException.ThrowIfNull(pluginId);
        lock (_changeLock)
        {
            var current = Find(pluginId) ?? throw UnknownPlugin(pluginId);
            if (current.Model is null)
            {
                return current;
            }

            var unloaded = new PluginRecord(current.Id, current.Source, current.Manifest, null,
                $"plugin '{current.Id}' ({current.Source}) was unloaded; load it again to serve it.");
            Replace(current, unloaded);
            Retire(current);
            return unloaded;
        }
    }

    /// <summary>
    /// Loads a plugin again from its folder: re-reads plugin.json and the model, then swaps the new version in. Calls that
    /// start after the swap use the new version; calls running on the old one finish on it, and it is disposed after them.
    /// Works on loaded, failed and unloaded plugins.
    /// </summary>
    /// <returns>The plugin's new, loaded record.</returns>
    /// <exception cref="PluginLoadException">
    /// There is no plugin with that id, it was registered in code (it has no folder), its folder now declares another id,
    /// or the new version failed to load. A loaded plugin keeps serving its old version when the new one fails.
    /// </exception>
    public PluginRecord Reload(string pluginId)
    {
        ArgumentNullException.ThrowIfNull(pluginId);
        lock (_changeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = Find(pluginId) ?? throw UnknownPlugin(pluginId);
            if (current.Source == "code" || !Directory.Exists(current.Source))
            {
                throw new PluginLoadException(pluginId, current.Source == "code"
                    ? $"plugin '{pluginId}' was registered in code; it has no folder to load it from again."
                    : $"plugin '{pluginId}': its folder '{current.Source}' no longer exists.");
            }

            var loaded = LoadFolder(current.Source, _sessions, _preloaded, _loggerFactory);
            if (loaded.Id != pluginId)
            {
                loaded.Model?.Dispose();
                throw new PluginLoadException(pluginId,
                    $"plugin '{pluginId}' ({current.Source}): plugin.json now declares id '{loaded.Id}'; an id cannot change on reload.");
            }

            if (loaded.Model is null)
            {
                if (current.Model is null)
                {
                    Replace(current, loaded);
                }

                Log(loaded);
                throw new PluginLoadException(pluginId, current.Model is null
                    ? loaded.Error!
                    : $"{loaded.Error} The previous version keeps serving.");
            }

            Replace(current, loaded);
            if (current.Model is not null)
            {
                Retire(current);
            }

            return loaded;
        }
    }

    /// <summary>Disposes every loaded model (waiting for no running call: dispose the catalog after the callers stop).</summary>
    public void Dispose()
    {
        lock (_changeLock)
        {
            _disposed = true;
            foreach (var record in Plugins)
            {
                if (record.Model is not null && _gates.TryGetValue(record, out var gate))
                {
                    gate.Retire();
                }
                else
                {
                    record.Model?.Dispose();
                }
            }
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
        Log(record);
    }

    private void Log(PluginRecord record)
    {
        if (record.Status == PluginStatus.Failed)
        {
#pragma warning disable CA1848 // Plugin failures are rare; a LoggerMessage delegate buys nothing here.
            _logger.LogError("Plugin {PluginId} failed to load: {Reason}", record.Id, record.Error);
#pragma warning restore CA1848
        }
    }

    private static PluginLoadException UnknownPlugin(string pluginId) =>
        new(pluginId, $"there is no plugin '{pluginId}'; only plugins the host found at startup can be unloaded or loaded again.");

    // Called under _changeLock; publishes a new snapshot so readers switch in one step.
    private void Replace(PluginRecord current, PluginRecord next)
    {
        var snapshot = Plugins.ToArray();
        snapshot[Array.IndexOf(snapshot, current)] = next;
        Volatile.Write(ref _snapshot, snapshot);
    }

    private void Retire(PluginRecord record) => _gates.GetValue(record, r => new ModelGate(r.Model!)).Retire();

    /// <summary>Enters the gate of the plugin's current version; null when the plugin is not loaded now.</summary>
    private (IModel Model, ModelGate Gate)? Enter(string pluginId)
    {
        // A reload may retire the version between the read and the enter: read again and enter the new one.
        while (true)
        {
            var record = Find(pluginId);
            if (record?.Model is null)
            {
                return null;
            }

            var gate = _gates.GetValue(record, r => new ModelGate(r.Model!));
            if (gate.TryEnter())
            {
                return (record.Model, gate);
            }
        }
    }

    /// <summary>
    /// Counts the calls running on one model version and disposes it after the last one once retired. Private and nested
    /// because only the catalog may create, enter or retire it.
    /// </summary>
    private sealed class ModelGate(IModel model)
    {
        private readonly Lock _lock = new();
        private int _running;
        private bool _retired;

        public bool TryEnter()
        {
            lock (_lock)
            {
                if (_retired)
                {
                    return false;
                }

                _running++;
                return true;
            }
        }

        public void Exit()
        {
            bool dispose;
            lock (_lock)
            {
                _running--;
                dispose = _retired && _running == 0;
            }

            if (dispose)
            {
                model.Dispose();
            }
        }

        public void Retire()
        {
            bool dispose;
            lock (_lock)
            {
                if (_retired)
                {
                    return;
                }

                _retired = true;
                dispose = _running == 0;
            }

            if (dispose)
            {
                model.Dispose();
            }
        }
    }

    /// <summary>The model <see cref="GetServingModel"/> hands out: each call runs on the version loaded when it starts.</summary>
    private sealed class ServingModel(PluginCatalog catalog, string pluginId, IModel first) : IModel
    {
        public string Id => pluginId;

        public ModelTask Task { get; } = first.Task;

        public IReadOnlyList<string> Labels { get; } = first.Labels;

        public int SampleSize { get; } = first.SampleSize;

        public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
        {
            var entered = catalog.Enter(pluginId)
                ?? throw new PluginLoadException(pluginId, catalog.Find(pluginId)?.Error ?? $"plugin '{pluginId}' is not loaded.");
            var (model, gate) = entered;
            try
            {
                if (model.SampleSize != SampleSize || !model.Labels.SequenceEqual(Labels, StringComparer.Ordinal))
                {
                    throw new PluginLoadException(pluginId,
                        $"plugin '{pluginId}' was reloaded with other labels or sample size ({model.Labels.Count} labels, {model.SampleSize} values per sample; this caller was built for {Labels.Count} and {SampleSize}); rebuild what uses it.");
                }

                model.Predict(samples, batchSize, scores, cancellationToken);
            }
            finally
            {
                gate.Exit();
            }
        }

        // The catalog owns every version.
        public void Dispose()
        {
        }
    }
}
