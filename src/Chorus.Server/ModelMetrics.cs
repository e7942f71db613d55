namespace Chorus.Server;

/// <summary>The counters and histograms of one served model or ensemble; every update is an <see cref="Interlocked"/> operation.</summary>
internal sealed class ModelMetrics
{
    private long _success;
    private long _failureOther;
    private long _failureBackend;
    private long _failureCanceled;
    private long _inferences;
    private long _degraded;
    private long _disagreeing;
    private long _executions;

    public ModelMetrics(ServedModel model)
    {
        Model = model;
    }

    public ServedModel Model { get; }

    public bool IsEnsemble => Model is ServedEnsemble;

    public BucketHistogram RequestDuration { get; } = BucketHistogram.Seconds();

    public BucketHistogram ComputeDuration { get; } = BucketHistogram.Seconds();

    /// <summary>Time requests waited in a dynamic batcher's queue; observed only for models served with batching.</summary>
    public BucketHistogram QueueDuration { get; } = BucketHistogram.Seconds();

    /// <summary>Rows per model execution (one Predict call; for an ensemble, one ensemble run).</summary>
    public BucketHistogram BatchSize { get; } = BucketHistogram.Rows();

    /// <summary>Model executions, successful or not (Triton's <c>nv_inference_exec_count</c>).</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>Requests waiting in the model's batcher now; null when the model is served without batching.</summary>
    public int? PendingRequests => Model is ServedPlugin { IsBatched: true } plugin ? plugin.QueuedRequests : null;

    public long Success => Interlocked.Read(ref _success);

    public long Inferences => Interlocked.Read(ref _inferences);

    public long Degraded => Interlocked.Read(ref _degraded);

    public long Disagreeing => Interlocked.Read(ref _disagreeing);

    /// <summary>Failures by Triton's <c>reason</c> label.</summary>
    public IEnumerable<(string Reason, long Count)> Failures =>
    [
        ("OTHER", Interlocked.Read(ref _failureOther)),
        ("CANCELED", Interlocked.Read(ref _failureCanceled)),
        ("BACKEND", Interlocked.Read(ref _failureBackend)),
    ];

    public void RecordSuccess(InferenceRequest request, InferenceResult result)
    {
        Interlocked.Increment(ref _success);
        Interlocked.Add(ref _inferences, request.BatchSize);
        if (result.Parameters.TryGetValue("degraded", out var degraded) && degraded is true)
        {
            Interlocked.Increment(ref _degraded);
        }

        // 'agreement' is the lowest in the batch, so the request disagrees when any of its samples does.
        if (result.Parameters.TryGetValue("agreement", out var agreement) && agreement is double value && value < 1)
        {
            Interlocked.Increment(ref _disagreeing);
        }
    }

    /// <summary>One model execution of <paramref name="rows"/> rows: a batch the batcher ran, or an unbatched request's call.</summary>
    public void RecordExecution(int rows)
    {
        Interlocked.Increment(ref _executions);
        BatchSize.Observe(rows);
    }

    /// <summary>A failed request: OTHER for a request the server refused (4xx), CANCELED when the client went away, else BACKEND.</summary>
    public void RecordFailure(FailureReason reason)
    {
        switch (reason)
        {
            case FailureReason.Other:
                Interlocked.Increment(ref _failureOther);
                break;
            case FailureReason.Canceled:
                Interlocked.Increment(ref _failureCanceled);
                break;
            default:
                Interlocked.Increment(ref _failureBackend);
                break;
        }
    }
}
