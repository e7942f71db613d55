using Chorus.Hosting.Plugins;
using Chorus.Hosting.Scheduling;
using Chorus.Plugins;

namespace Chorus.Server;

/// <summary>
/// A plugin's model: one input, output <c>scores</c> FP32 [batch, labels]. It reads the plugin's record from the catalog
/// on every use, so an unload or reload (repository extension) shows at once. With batching options it serves requests
/// through a <see cref="DynamicBatcher"/> (docs/serving.md, "Dynamic batching").
/// </summary>
internal sealed class ServedPlugin : ServedModel
{
    private static readonly Dictionary<string, object> s_noParameters = [];
    private readonly PluginCatalog _catalog;
    private readonly PluginRecord _first;
    private readonly DynamicBatchingOptions? _batching;
    private readonly Lock _batcherLock = new();

    // The batcher of the loaded version: a reload makes a new record, and the next request makes a new batcher for it.
    private (PluginRecord Record, DynamicBatcher Batcher)? _batcher;

    public ServedPlugin(PluginCatalog catalog, PluginRecord record, DynamicBatchingOptions? batching = null)
        : base(record.Id, record.Manifest?.Version ?? "1", PlatformOf(record))
    {
        _catalog = catalog;
        _first = record;
        _batching = batching;
        InputName = record.Manifest is { Inputs.Count: > 0 } manifest ? manifest.Inputs[0].Name : "input";
    }

    public bool IsBatched => _batching is not null;

    /// <summary>Requests waiting in the batcher's queue now (0 without batching).</summary>
    public int QueuedRequests
    {
        get
        {
            lock (_batcherLock)
            {
                return _batcher?.Batcher.QueuedRequests ?? 0;
            }
        }
    }

    // A duplicate id's refused copy is never served: the catalog finds the first record with the id.
    private PluginRecord Record => _catalog.Find(Name) ?? _first;

    public override string Version => Record.Manifest?.Version ?? base.Version;

    public override string? Unavailable => Record is { Model: null } record ? $"model '{Name}' is unavailable: {record.Error}" : null;

    public override string InputName { get; }

    // A failed or unloaded plugin has no model; its manifest still says what it takes.
    public override int SampleSize => Record is var record && record.Model is { } model
        ? model.SampleSize
        : record.Manifest is { Inputs.Count: > 0 } manifest ? (int)manifest.Inputs[0].Shape.Skip(1).Aggregate(1L, (a, b) => a * Math.Max(b, 1)) : 0;

    public override IReadOnlyList<string> Labels => Record is var record && record.Model is { } model ? model.Labels : record.Manifest?.Labels ?? [];

    public override IReadOnlyList<(string Name, string Datatype, int[] Shape)> Outputs => [(ScoresOutput, "FP32", [-1, Labels.Count])];

    public override async Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        // The serving model holds the version it calls until Predict returns, so an unload or reload never disposes it
        // under this request; requests that start after the unload get null here and answer 503.
        var batcher = _batching is null ? null : CurrentBatcher();
        var model = batcher?.Model ?? _catalog.GetServingModel(Name) ?? throw new ProtocolException(503, Unavailable ?? $"model '{Name}' is unavailable.");
        if (model.SampleSize * request.BatchSize != request.Samples.Length)
        {
            throw ProtocolException.BadRequest($"model '{Name}' was reloaded while this request was read; it now takes {model.SampleSize} values per sample. Send it again.");
        }

        var scores = new float[request.BatchSize * model.Labels.Count];
        try
        {
            if (batcher is null)
            {
                try
                {
                    model.Predict(request.Samples, request.BatchSize, scores, cancellationToken);
                }
                finally
                {
                    Metrics.RecordExecution(request.BatchSize);
                }
            }
            else
            {
                request.QueueDuration = await batcher.PredictAsync(request.Samples, request.BatchSize, scores, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ChorusException ex) when (Unavailable is { } reason)
        {
            // Unloaded between the lookup and the call.
            throw new ProtocolException(503, reason, ex);
        }
        catch (ChorusException ex)
        {
            throw new ProtocolException(500, batcher is null
                ? $"model '{Name}' failed: {ex.Message}"
                : $"model '{Name}' failed on a dynamic batch (every request in that batch failed with it): {ex.Message}");
        }

        OutputTensor[] outputs = Wants(request, ScoresOutput) ? [new(ScoresOutput, "FP32", [request.BatchSize, model.Labels.Count], scores, null)] : [];
        return new InferenceResult(outputs, s_noParameters);
    }

    /// <summary>Refuses new batched requests; queued ones still run (the server calls this when it is disposed).</summary>
    public void StopBatching()
    {
        lock (_batcherLock)
        {
            _batcher?.Batcher.Dispose();
        }
    }

    /// <summary>The batcher of the version loaded now (made on first use after a load or reload); null when none is loaded.</summary>
    private DynamicBatcher? CurrentBatcher()
    {
        var record = Record;
        lock (_batcherLock)
        {
            if (_batcher is { } current && ReferenceEquals(current.Record, record))
            {
                return current.Batcher;
            }

            if (_catalog.GetServingModel(Name) is not { } model)
            {
                return null;
            }

            // The old version's batcher runs what it has queued (on whatever version is loaded then) and stops.
            _batcher?.Batcher.Dispose();
            var batcher = new DynamicBatcher(model, _batching!, execution => Metrics.RecordExecution(execution.Rows));
            _batcher = (record, batcher);
            return batcher;
        }
    }

    private static string PlatformOf(PluginRecord record) => record.Manifest?.Runtime switch
    {
        PluginRuntime.Assembly => "chorus-assembly",
        PluginRuntime.Native => "chorus-native",
        _ => "onnxruntime",
    };
}
