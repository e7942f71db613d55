using Chorus.Fusion;
using Chorus.Hosting.Ensembles;
using Chorus.Fusion.Frames;
using Chorus.Hosting.Plugins;
using Chorus.Hosting.Remote;
using Chorus.Hosting.Speech;
using Chorus.Plugins;
using Chorus.Streaming;
using Microsoft.Extensions.Logging;

namespace Chorus.Hosting;

/// <summary>
/// The embedded Chorus host: the plugin catalog and the ensembles built from it. Resolve it from the container (it loads
/// everything, and validates everything, when first resolved) or create it with <see cref="Create"/>.
/// </summary>
public sealed class ChorusHost : IDisposable
{
    private readonly ChorusOptions _options;
    private readonly Dictionary<string, Ensemble> _ensembles = new(StringComparer.Ordinal);
    private readonly List<string> _ensembleProblems = [];
    private readonly List<Ensemble> _loaded = [];
    private readonly RemoteServers _remoteServers = new();
    private readonly Dictionary<string, SpeechEnsemble> _speechEnsembles = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    internal ChorusHost(ChorusOptions options, PluginCatalog catalog, ILoggerFactory loggerFactory)
    {
        _options = options;
        Catalog = catalog;
        _logger = loggerFactory.CreateLogger("Chorus.Ensembles");
        foreach (var directory in options.PluginDirectories.Where(Directory.Exists))
        {
            LoadEnsembleFiles(directory, "*.ensemble.json", "Ensemble", file =>
            {
                var ensemble = LoadEnsemble(file);
                _ensembles[ensemble.Id] = ensemble;
            });
            LoadEnsembleFiles(directory, "*" + SpeechEnsembleDefinition.FileSuffix, "Speech ensemble", file =>
            {
                var speech = LoadSpeechEnsemble(file);
                _speechEnsembles[speech.Id] = speech;
            });
        }
    }

    /// <summary>Every plugin found, loaded or failed.</summary>
    public PluginCatalog Catalog { get; }

    /// <summary>The ensembles that loaded.</summary>
    public IReadOnlyCollection<Ensemble> Ensembles => _ensembles.Values;

    /// <summary>The speech (streaming, frame-fusing) ensembles that loaded from <c>*.speech.json</c> files.</summary>
    public IReadOnlyCollection<SpeechEnsemble> SpeechEnsembles => _speechEnsembles.Values;

    /// <summary>
    /// Problems of ensemble files that did not load, of members left out of ensembles that did, and of remote members whose
    /// server could not be checked at load (they stay in the ensemble and are checked again on their first request).
    /// </summary>
    public IReadOnlyList<string> EnsembleProblems => _ensembleProblems;

    /// <summary>Creates a host without a container (the command line does this).</summary>
    public static ChorusHost Create(ChorusOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        ChorusServiceCollectionExtensions.InitializeEnvironment(options, loggerFactory);
        var catalog = new PluginCatalog(options, new OnnxSessionFactory(options), [], new Dictionary<string, System.Reflection.Assembly>(), loggerFactory);
        return new ChorusHost(options, catalog, loggerFactory);
    }

    /// <summary>An ensemble by id.</summary>
    /// <exception cref="KeyNotFoundException">No ensemble with that id loaded; the message lists the ones that did and the load problems.</exception>
    public Ensemble GetEnsemble(string id) =>
        _ensembles.TryGetValue(id, out var ensemble)
            ? ensemble
            : throw new KeyNotFoundException($"There is no ensemble '{id}'. Loaded: {string.Join(", ", _ensembles.Keys.DefaultIfEmpty("(none)"))}."
                + (_ensembleProblems.Count > 0 ? $" Problems: {string.Join(" | ", _ensembleProblems)}" : string.Empty));

    /// <summary>A speech ensemble by id.</summary>
    /// <exception cref="KeyNotFoundException">No speech ensemble with that id loaded; the message lists the ones that did.</exception>
    public SpeechEnsemble GetSpeechEnsemble(string id) =>
        _speechEnsembles.TryGetValue(id, out var ensemble)
            ? ensemble
            : throw new KeyNotFoundException($"There is no speech ensemble '{id}'. Loaded: {string.Join(", ", _speechEnsembles.Keys.DefaultIfEmpty("(none)"))}."
                + (_ensembleProblems.Count > 0 ? $" Problems: {string.Join(" | ", _ensembleProblems)}" : string.Empty));

    /// <summary>
    /// Builds a speech ensemble from a file (<see cref="SpeechEnsembleDefinition"/>). Members that are not loaded streaming
    /// models are left out and reported in <see cref="EnsembleProblems"/>; the ensemble loads if at least its
    /// <c>minMembers</c> remain and they take one sample rate.
    /// </summary>
    /// <exception cref="EnsembleLoadException">The file is invalid, or too few members remain.</exception>
    public SpeechEnsemble LoadSpeechEnsemble(string path)
    {
        var definition = SpeechEnsembleDefinition.Load(path);
        var members = new List<(EnsembleMember Member, IStreamingModel Model)>();
        var problems = new List<string>();
        foreach (var member in definition.Members)
        {
            var record = Catalog.Find(member.PluginId);
            var model = Catalog.FindModel(member.PluginId);
            if (model is IStreamingModel streaming)
            {
                members.Add((member, streaming));
            }
            else
            {
                problems.Add(record is null ? $"member '{member.PluginId}' is not an installed plugin"
                    : model is null ? $"member '{member.PluginId}' failed to load: {record.Error}"
                    : $"member '{member.PluginId}' does not stream (it implements IModel only)");
            }
        }

        if (members.Select(m => m.Model.SampleRate).Distinct().Count() > 1)
        {
            problems.Add($"members take different sample rates ({string.Join(", ", members.Select(m => $"{m.Member.PluginId}: {m.Model.SampleRate} Hz"))})");
            members.Clear();
        }

        if (members.Count < definition.MinMembers || members.Count == 0)
        {
            throw new EnsembleLoadException(definition.FilePath,
                [.. problems, $"only {members.Count} of {definition.Members.Count} members can be used; minMembers is {definition.MinMembers}"]);
        }

        foreach (var problem in problems)
        {
            _ensembleProblems.Add($"speech ensemble '{definition.Id}' ({definition.FilePath}): {problem}");
        }

        var usable = definition with
        {
            Members = members.Select(m => m.Member).ToArray(),
            Fusion = new FrameFusionOptions
            {
                Mode = definition.Fusion.Mode,
                GridHopSeconds = definition.Fusion.GridHopSeconds,
                BinarizeThreshold = definition.Fusion.BinarizeThreshold,
                Weights = members.Select(m => m.Member.Weight).ToArray(),
            },
        };
        return new SpeechEnsemble(usable, members.Select(m => m.Model).ToArray());
    }

    /// <summary>
    /// Opens a stream with fresh state on a streaming model (one that implements <see cref="IStreamingModel"/>, such as the
    /// bundled voice-activity detectors), for one audio source. The caller owns the stream and disposes it; dispose it
    /// before the host (or before unloading the plugin).
    /// </summary>
    /// <param name="modelId">The plugin id.</param>
    /// <param name="sampleRate">The rate of the samples that will be pushed, in Hz.</param>
    /// <exception cref="KeyNotFoundException">No loaded plugin has that id; the message lists the streaming models.</exception>
    /// <exception cref="ChorusException">The model does not stream.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model takes another sample rate.</exception>
    public IFrameStream OpenStream(string modelId, int sampleRate = 16000) => GetStreamingModel(modelId).OpenStream(sampleRate);

    /// <summary>A loaded streaming model by plugin id (see <see cref="OpenStream"/>).</summary>
    /// <exception cref="KeyNotFoundException">No loaded plugin has that id.</exception>
    /// <exception cref="ChorusException">The model does not stream.</exception>
    public IStreamingModel GetStreamingModel(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var model = Catalog.FindModel(modelId);
        if (model is null)
        {
            var record = Catalog.Find(modelId);
            var streaming = Catalog.Plugins.Where(r => r.Model is IStreamingModel).Select(r => r.Id).DefaultIfEmpty("(none)");
            throw new KeyNotFoundException(record is null
                ? $"There is no plugin '{modelId}'. Streaming models loaded: {string.Join(", ", streaming)}."
                : $"Plugin '{modelId}' is not loaded: {record.Error}");
        }

        return model as IStreamingModel
            ?? throw new ChorusException($"model '{modelId}' does not stream (its plugin implements IModel only); open streams on a voice-activity model such as silero-vad-v5, or call Predict.", modelId);
    }

    /// <summary>
    /// Builds an ensemble from a file. Members whose plugin failed, or that declare a label the ensemble does not know,
    /// are left out and reported in <see cref="EnsembleProblems"/>; the ensemble loads if enough members remain.
    /// </summary>
    /// <exception cref="EnsembleLoadException">The file is invalid, or too few members remain.</exception>
    public Ensemble LoadEnsemble(string path)
    {
        var definition = EnsembleDefinition.Load(path);
        var slots = new (EnsembleMember, IModel, LabelAlignment)?[definition.Members.Count];
        var problems = new List<string>();
        for (var i = 0; i < slots.Length; i++)
        {
            var member = definition.Members[i];
            if (member.Remote is not null)
            {
                continue;
            }

            var record = Catalog.Find(member.PluginId);
            if (record?.Model is null)
            {
                problems.Add(record is null
                    ? $"member '{member.PluginId}' is not an installed plugin"
                    : $"member '{member.PluginId}' failed to load: {record.Error}");
                continue;
            }

            // Members call through the catalog, so a plugin unloaded later fails as a member (the policy decides what
            // follows) instead of a disposed model being called, and a reload serves the ensemble without a restart.
            var model = Catalog.GetServingModel(member.PluginId) ?? record.Model;
            try
            {
                slots[i] = (member, model, LabelAlignment.Create(definition.Labels, model.Labels, member.PluginId));
            }
            catch (FusionConfigurationException ex)
            {
                problems.Add($"member '{member.PluginId}' ({record.Source}): {ex.Message}");
            }
        }

        // Remote members take the local members' sample size (or the one a remote member entry declares).
        var localSize = slots.Select(s => s?.Item2.SampleSize).FirstOrDefault(s => s is not null)
            ?? definition.Members.Select(m => m.Remote?.SampleSize).FirstOrDefault(s => s is not null);
        for (var i = 0; i < slots.Length; i++)
        {
            if (definition.Members[i] is { Remote: { } remote } member)
            {
                var timeout = member.Timeout ?? definition.Policy.MemberTimeout ?? _options.DefaultMemberTimeout;
                slots[i] = _remoteServers.Open(definition, member, remote.SampleSize ?? localSize, timeout, problems, _logger);
            }
        }

        var members = slots.Where(s => s is not null).Select(s => s!.Value).ToList();
        var sampleSizes = members.Select(m => m.Item2.SampleSize).Distinct().ToList();
        if (sampleSizes.Count > 1)
        {
            problems.Add($"members take samples of different sizes ({string.Join(", ", members.Select(m => $"{m.Item1.PluginId}: {m.Item2.SampleSize}"))}); an ensemble's members must take the same input");
            members.Clear();
        }

        if (members.Count < Math.Max(1, definition.Policy.MinMembers))
        {
            throw new EnsembleLoadException(definition.FilePath,
                [.. problems, $"only {members.Count} of {definition.Members.Count} members can be used; the policy needs {Math.Max(1, definition.Policy.MinMembers)}"]);
        }

        foreach (var problem in problems)
        {
            _ensembleProblems.Add($"ensemble '{definition.Id}' ({definition.FilePath}): {problem}");
        }

        var usable = definition with { Members = members.Select(m => m.Item1).ToArray() };
        var complete = usable.Members.Count == definition.Members.Count;
        var stacking = complete && File.Exists(definition.StackingPath) ? LoadStacking(usable) : null;
        var selection = complete && File.Exists(definition.SelectionPath) ? SelectionWeightsFile.Load(definition.SelectionPath, usable).Weights : null;
        var ensemble = new Ensemble(usable, members, stacking, selection, _options.DefaultMemberTimeout);
        lock (_loaded)
        {
            _loaded.Add(ensemble);
        }

        return ensemble;
    }

    /// <summary>Stops the ensembles' worker threads, closes the remote members' connections and disposes every loaded model.</summary>
    public void Dispose()
    {
        foreach (var ensemble in _loaded)
        {
            ensemble.Dispose();
        }

        _remoteServers.Dispose();

        Catalog.Dispose();
    }

    /// <summary>The HTTP clients of remote members: one per server, shared by every member on it.</summary>
    internal RemoteServers RemoteServers => _remoteServers;

    private static StackingModel LoadStacking(EnsembleDefinition definition)
    {
        try
        {
            using var stream = File.OpenRead(definition.StackingPath);
            var model = StackingModel.Load(stream, definition.StackingPath);
            model.EnsureMatches(definition.Members.Select(m => m.PluginId).ToArray(), definition.Labels);
            return model;
        }
        catch (FusionConfigurationException ex)
        {
            throw new EnsembleLoadException(definition.StackingPath, [$"{ex.Message} Run 'chorus fit' again."], ex);
        }
    }

    /// <summary>Loads every file matching <paramref name="pattern"/> in <paramref name="directory"/>; one that fails is logged and listed in <see cref="EnsembleProblems"/>.</summary>
    private void LoadEnsembleFiles(string directory, string pattern, string kind, Action<string> load)
    {
        foreach (var file in Directory.EnumerateFiles(directory, pattern).Order(StringComparer.Ordinal))
        {
            try
            {
                load(file);
            }
            catch (ChorusException ex)
            {
                _ensembleProblems.Add(ex.Message);
#pragma warning disable CA1848 // Rare, at startup.
                _logger.LogError("{Kind} {File} failed to load: {Reason}", kind, file, ex.Message);
#pragma warning restore CA1848
            }
        }
    }
}
