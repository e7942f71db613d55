using System.Buffers;
using System.Diagnostics;
using Chorus.Plugins;

namespace Chorus.Hosting.Scheduling;

/// <summary>
/// A dynamic batcher in front of one model (Triton's semantics): concurrent <see cref="PredictAsync"/> calls are queued, and
/// a batch runs as one <see cref="IModel.Predict"/> call on the rows of the queued requests, concatenated in arrival order,
/// when they reach <see cref="DynamicBatchingOptions.MaxBatchSize"/> or the oldest has waited
/// <see cref="DynamicBatchingOptions.MaxQueueDelay"/>. Each request gets its own rows of the scores back.
/// </summary>
/// <remarks>
/// <para>
/// Protocol-independent, so an embedded host can put it in front of a model as the HTTP server does. One batch runs at a
/// time (like one Triton model instance); requests that arrive meanwhile form the next batch. A request with more rows than
/// the max batch size runs alone, unsplit. If Predict throws, exactly the requests of that batch fail with that exception;
/// the next batch runs normally. A request canceled while queued leaves the queue at once and the others are unaffected;
/// once its batch has started it completes with the batch.
/// </para>
/// <para>
/// The caller owns <see cref="Model"/>; the batcher never disposes it. <see cref="Model"/>'s sample size and label count are
/// read once, here. <see cref="Dispose"/> refuses new requests and lets the queued ones run; dispose the model only after
/// they have completed. Predict runs on the batcher's own background thread with <see cref="CancellationToken.None"/>; the
/// max queue delay is honoured to about a millisecond (the thread's timed wait counts whole milliseconds).
/// </para>
/// </remarks>
public sealed class DynamicBatcher : IDisposable
{
    private readonly int _sampleSize;
    private readonly int _labelCount;
    private readonly long _delayTicks;
    private readonly Action<BatchExecution>? _executed;

    // The queue, its row count and the disposed flag change under _lock (a Monitor, for Wait/Pulse); the worker takes
    // batches from the front.
    private readonly object _lock = new();
    private readonly LinkedList<Pending> _queue = new();
    private int _queuedRows;
    private bool _disposed;

    /// <summary>Creates the batcher and its worker thread (a background thread that sleeps while the queue is empty).</summary>
    /// <param name="model">The model to run; must take a batch dimension (any <see cref="IModel"/> does).</param>
    /// <param name="options">Max batch size and max queue delay; copied, so later changes do not apply.</param>
    /// <param name="executed">
    /// Called on the worker after every Predict call (for metrics), before the requests complete. It must not throw; what it
    /// throws is ignored.
    /// </param>
    public DynamicBatcher(IModel model, DynamicBatchingOptions options, Action<BatchExecution>? executed = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model.Id);
        Model = model;
        Options = new DynamicBatchingOptions { MaxBatchSize = options.MaxBatchSize, MaxQueueDelay = options.MaxQueueDelay };
        _sampleSize = model.SampleSize;
        _labelCount = model.Labels.Count;
        _delayTicks = (long)(options.MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
        _executed = executed;

        // A thread of its own, not the thread pool: under load the pool's queue is long, and every queued request would wait
        // behind it for the worker to be scheduled.
        new Thread(Run) { IsBackground = true, Name = $"Chorus batcher {model.Id}" }.Start();
    }

    /// <summary>The model the batches run on.</summary>
    public IModel Model { get; }

    /// <summary>The options in force (a copy of those given).</summary>
    public DynamicBatchingOptions Options { get; }

    /// <summary>Requests waiting for a batch (not counting the batch running now).</summary>
    public int QueuedRequests
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="batchSize"/> rows and completes when the batch they joined has run and <paramref name="scores"/>
    /// holds their <paramref name="batchSize"/> × label-count scores.
    /// </summary>
    /// <param name="samples">The rows, row-major; read when the batch forms, so keep it unchanged until the task completes.</param>
    /// <param name="batchSize">Rows in <paramref name="samples"/> (at least 1).</param>
    /// <param name="scores">Receives the rows' scores; written only if the task succeeds.</param>
    /// <param name="cancellationToken">Cancels the request while it is queued (the task is then canceled).</param>
    /// <returns>How long the request waited in the queue before its batch started.</returns>
    /// <exception cref="ArgumentException">The sizes do not match the model; the request is not queued.</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed.</exception>
    /// <remarks>The task fails with whatever the model's Predict threw for the request's batch.</remarks>
    public Task<TimeSpan> PredictAsync(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (samples.Length != (long)batchSize * _sampleSize)
        {
            throw new ArgumentException(
                $"model '{Model.Id}': {batchSize} sample(s) of {_sampleSize} values need {(long)batchSize * _sampleSize} values, got {samples.Length}.", nameof(samples));
        }

        if (scores.Length < (long)batchSize * _labelCount)
        {
            throw new ArgumentException(
                $"model '{Model.Id}': {batchSize} sample(s) need room for {(long)batchSize * _labelCount} scores, got {scores.Length}.", nameof(scores));
        }

        var pending = new Pending(this, samples, batchSize, scores);

        // Registered before the request is queued, so the worker never sees it half set up. A cancellation that fires
        // before the request is queued finds no node and does nothing; the check under the lock catches it.
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.Register(static state => ((Pending)state!).Cancel(), pending);
        }

        lock (_lock)
        {
            if (_disposed || cancellationToken.IsCancellationRequested)
            {
                pending.Registration.Unregister();
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Task.FromCanceled<TimeSpan>(cancellationToken);
            }

            var wasEmpty = _queue.Count == 0;
            var wasBelow = _queuedRows < Options.MaxBatchSize;
            pending.Node = _queue.AddLast(pending);
            _queuedRows += batchSize;

            // Only these two events change the worker's decision: a first request starts its clock, a full batch ends the wait.
            if (wasEmpty || (wasBelow && _queuedRows >= Options.MaxBatchSize))
            {
                Monitor.Pulse(_lock);
            }
        }

        return pending.Completion.Task;
    }

    /// <summary>Refuses new requests; those already queued still run, and the worker stops when the queue is empty.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.Pulse(_lock);
        }
    }

    private void Run()
    {
        while (TakeBatch() is { } batch)
        {
            // Taken: a cancellation now finds no node and does nothing; stop listening without waiting for a running callback.
            foreach (var pending in batch)
            {
                pending.Registration.Unregister();
            }

            Execute(batch);
        }
    }

    /// <summary>
    /// Waits until a batch is due (the queued rows reach the max, or the oldest has waited the delay, or the batcher is
    /// disposed with requests queued) and takes it; null once disposed with nothing queued.
    /// </summary>
    private List<Pending>? TakeBatch()
    {
        lock (_lock)
        {
            while (true)
            {
                if (_queue.First is not { } oldest)
                {
                    if (_disposed)
                    {
                        return null;
                    }

                    // Timed only so that no wait is unbounded; an enqueue or Dispose pulses.
                    Monitor.Wait(_lock, TimeSpan.FromSeconds(1));
                    continue;
                }

                // A disposed batcher drains without waiting for more requests (none can come).
                if (_queuedRows >= Options.MaxBatchSize || _disposed)
                {
                    break;
                }

                var remaining = oldest.Value.EnqueuedAt + _delayTicks - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    break;
                }

                // Monitor.Wait counts whole milliseconds: round up, so a sub-millisecond rest waits 1 ms instead of spinning.
                Monitor.Wait(_lock, (int)Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
            }

            return TakeFrontLocked();
        }
    }

    /// <summary>The front of the queue, in order, while its rows fit (the first request always goes, even if larger).</summary>
    private List<Pending> TakeFrontLocked()
    {
        var batch = new List<Pending>();
        var rows = 0;
        while (_queue.First is { } node && (batch.Count == 0 || rows + node.Value.BatchSize <= Options.MaxBatchSize))
        {
            _queue.RemoveFirst();
            node.Value.Node = null;
            rows += node.Value.BatchSize;
            _queuedRows -= node.Value.BatchSize;
            batch.Add(node.Value);
        }

        return batch;
    }

    private void Execute(List<Pending> batch)
    {
        var rows = batch.Sum(p => p.BatchSize);
        var samples = ArrayPool<float>.Shared.Rent(rows * _sampleSize);
        var scores = ArrayPool<float>.Shared.Rent(rows * _labelCount);
        try
        {
            var offset = 0;
            foreach (var pending in batch)
            {
                pending.Samples.Span.CopyTo(samples.AsSpan(offset));
                offset += pending.Samples.Length;
            }

            var started = Stopwatch.GetTimestamp();
            Exception? error = null;
            try
            {
                Model.Predict(samples.AsMemory(0, rows * _sampleSize), rows, scores.AsMemory(0, rows * _labelCount), CancellationToken.None);
            }
#pragma warning disable CA1031 // Whatever the model throws belongs to the requests of this batch, not to the worker.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = ex;
            }

            Report(new BatchExecution(batch.Count, rows, Stopwatch.GetElapsedTime(started), error));
            var row = 0;
            foreach (var pending in batch)
            {
                if (error is not null)
                {
                    pending.Completion.TrySetException(error);
                    continue;
                }

                var count = pending.BatchSize * _labelCount;
                scores.AsSpan(row * _labelCount, count).CopyTo(pending.Scores.Span);
                row += pending.BatchSize;
                pending.Completion.TrySetResult(Stopwatch.GetElapsedTime(pending.EnqueuedAt, started));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(samples);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    private void Report(BatchExecution execution)
    {
        try
        {
            _executed?.Invoke(execution);
        }
#pragma warning disable CA1031 // An observer (metrics) must not stop the worker; documented as ignored.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>One queued request. Its completion runs continuations asynchronously, so the worker never runs callers' code.</summary>
    private sealed class Pending(DynamicBatcher owner, ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores)
    {
        public ReadOnlyMemory<float> Samples { get; } = samples;

        public int BatchSize { get; } = batchSize;

        public Memory<float> Scores { get; } = scores;

        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<TimeSpan> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Set and cleared under the owner's lock: non-null while queued.
        public LinkedListNode<Pending>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Cancel()
        {
            lock (owner._lock)
            {
                if (Node is null)
                {
                    return;
                }

                owner._queue.Remove(Node);
                owner._queuedRows -= BatchSize;
                Node = null;
            }

            Completion.TrySetCanceled();
        }
    }
}
