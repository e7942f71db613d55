using System.Diagnostics;
using Chorus.Fusion;
using Chorus.Hosting.Remote;
using Chorus.Plugins;

namespace Chorus.Hosting.Ensembles;

/// <summary>
/// A running ensemble: members run concurrently (each on worker threads of its own, their kernels on ONNX Runtime's global
/// pool), each with a timeout; their scores are aligned to the ensemble's labels by name and fused.
/// </summary>
/// <remarks>Thread-safe: any number of requests may run at once. The host owns the members; the ensemble does not dispose them.</remarks>
public sealed class Ensemble : IDisposable
{
    private readonly IModel[] _models;
    private readonly LabelAlignment[] _alignments;
    private readonly SoftVoting _soft;
    private readonly HardVoting _hard;
    private readonly SoftVoting? _selection;
    private readonly StackingModel? _stacking;
    private readonly TimeSpan[] _timeouts;
    private readonly MemberWorkers?[] _workers;

    internal Ensemble(EnsembleDefinition definition, IReadOnlyList<(EnsembleMember Member, IModel Model, LabelAlignment Alignment)> members,
        StackingModel? stacking, IReadOnlyList<double>? selectionWeights, TimeSpan defaultTimeout)
    {
        Definition = definition;
        Id = definition.Id;
        Labels = definition.Labels;
        Members = members.Select(m => m.Member).ToArray();
        _models = members.Select(m => m.Model).ToArray();
        _alignments = members.Select(m => m.Alignment).ToArray();
        var weights = Members.Select(m => m.Weight).ToArray();
        _soft = new SoftVoting(_models.Length, Labels.Count, weights);
        _hard = new HardVoting(_models.Length, Labels.Count, weights);
        _selection = selectionWeights is null ? null : new SoftVoting(_models.Length, Labels.Count, selectionWeights);
        _stacking = stacking;
        _timeouts = Members.Select(m => m.Timeout ?? definition.Policy.MemberTimeout ?? defaultTimeout).ToArray();
        SampleSize = _models[0].SampleSize;
        _workers = _models.Select(m => m is RemoteModel ? null : new MemberWorkers(m.Id, Math.Max(2, Environment.ProcessorCount))).ToArray();
    }

    /// <summary>The ensemble id.</summary>
    public string Id { get; }

    /// <summary>The ensemble's labels.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The members that loaded, in order.</summary>
    public IReadOnlyList<EnsembleMember> Members { get; }

    /// <summary>Values per sample (the members' common <see cref="IModel.SampleSize"/>).</summary>
    public int SampleSize { get; }

    /// <summary>The strategy that makes the decision.</summary>
    public FusionStrategyKind Strategy => Definition.Strategy;

    /// <summary>The definition it was built from.</summary>
    public EnsembleDefinition Definition { get; }

    /// <summary>Whether a trained stacking meta-model is loaded.</summary>
    public bool HasStacking => _stacking is not null;

    /// <summary>Whether ensemble-selection weights are loaded.</summary>
    public bool HasSelection => _selection is not null;

    /// <summary>Strategies this ensemble can use now (soft and hard always; stacking and selection once fitted).</summary>
    public IReadOnlyList<FusionStrategyKind> AvailableStrategies =>
        [FusionStrategyKind.Soft, FusionStrategyKind.Hard, .. HasStacking ? [FusionStrategyKind.Stacking] : Array.Empty<FusionStrategyKind>(),
            .. HasSelection ? [FusionStrategyKind.Selection] : Array.Empty<FusionStrategyKind>()];

    internal IReadOnlyList<IModel> Models => _models;

    /// <summary>Stops the members' worker threads (the host disposes its ensembles; it owns the models).</summary>
    public void Dispose()
    {
        foreach (var workers in _workers)
        {
            workers?.Dispose();
        }
    }

    internal StackingModel? StackingModel => _stacking;

    internal IReadOnlyList<double>? SelectionWeights => _selection?.Weights;

    /// <summary>Predicts one sample of <see cref="SampleSize"/> raw values.</summary>
    public async Task<FusedPrediction> PredictAsync(ReadOnlyMemory<float> sample, CancellationToken cancellationToken = default) =>
        (await PredictAsync(sample, 1, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Predicts a batch: <paramref name="samples"/> holds <paramref name="batchSize"/> × <see cref="SampleSize"/> raw values.</summary>
    /// <exception cref="EnsembleException">Fewer members answered than the policy's minimum, or a member failed and the policy says fail.</exception>
    public async Task<IReadOnlyList<FusedPrediction>> PredictAsync(ReadOnlyMemory<float> samples, int batchSize, CancellationToken cancellationToken = default)
    {
        var runs = await RunMembersAsync(samples, batchSize, cancellationToken).ConfigureAwait(false);
        var results = new FusedPrediction[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            results[i] = Fuse(runs, i, Strategy);
        }

        return results;
    }

    /// <summary>Starts a prediction and returns at once; poll the ticket on later frames (<see cref="EnsembleTicket.TryGetResult"/>).</summary>
    public EnsembleTicket Submit(ReadOnlyMemory<float> samples, int batchSize, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => PredictAsync(samples, batchSize, cancellationToken), cancellationToken));

    /// <summary>Runs every member over the batch concurrently; applies the failure policy.</summary>
    internal async Task<MemberRun[]> RunMembersAsync(ReadOnlyMemory<float> samples, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (samples.Length != batchSize * SampleSize)
        {
            throw new EnsembleException(Id,
                $"ensemble '{Id}': {batchSize} sample(s) of {SampleSize} values need {batchSize * SampleSize} values, got {samples.Length}.");
        }

        var tasks = new Task<MemberRun>[_models.Length];
        for (var m = 0; m < _models.Length; m++)
        {
            tasks[m] = RunMemberAsync(m, samples, batchSize, cancellationToken);
        }

        var runs = await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var failed = runs.Where(r => r.Error is not null).ToList();
        if (failed.Count > 0 && Definition.Policy.OnMemberFailure == MemberFailurePolicy.Fail)
        {
            throw new EnsembleException(Id, $"ensemble '{Id}': member(s) failed and the policy is 'fail': {Describe(failed)}.");
        }

        if (runs.Length - failed.Count < Definition.Policy.MinMembers)
        {
            throw new EnsembleException(Id,
                $"ensemble '{Id}': only {runs.Length - failed.Count} of {runs.Length} members answered, fewer than the minimum {Definition.Policy.MinMembers}: {Describe(failed)}.");
        }

        return runs;
    }

    private async Task<MemberRun> RunMemberAsync(int index, ReadOnlyMemory<float> samples, int batchSize, CancellationToken cancellationToken)
    {
        var model = _models[index];
        var timeout = _timeouts[index];
        if (model is RemoteModel remote)
        {
            return await RunRemoteMemberAsync(index, remote, timeout, samples, batchSize, cancellationToken).ConfigureAwait(false);
        }

        var workers = _workers[index]!;
        if (workers.Abandoned >= workers.ThreadCount)
        {
            // Every thread of this member is held by a call that already missed its deadline: do not queue behind them.
            return new MemberRun(index, model.Id, null, TimeSpan.Zero,
                $"not called: {workers.Abandoned} earlier call(s) timed out and are still running");
        }

        var scores = new float[batchSize * model.Labels.Count];
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var queued = Stopwatch.GetTimestamp();
        var started = queued;
        var call = workers.Run(() =>
        {
            try
            {
                // The member's time runs from when it starts, not from when it was queued.
                deadline.CancelAfter(timeout);
                started = Stopwatch.GetTimestamp();
            }
            catch (ObjectDisposedException)
            {
                return; // The request gave up before this call started; nobody waits for it.
            }

            model.Predict(samples, batchSize, scores, deadline.Token);
        });
        try
        {
            // The same deadline asks the model to stop (ONNX Runtime's terminate flag) and ends the wait: a model that
            // ignores its token is abandoned, its late result dropped, and its thread counted until it returns.
            await call.WaitAsync(deadline.Token).ConfigureAwait(false);
            return new MemberRun(index, model.Id, scores, Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            workers.MarkAbandoned(call);
            return new MemberRun(index, model.Id, null, Stopwatch.GetElapsedTime(queued), $"timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new MemberRun(index, model.Id, null, Stopwatch.GetElapsedTime(queued), $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            deadline.Dispose();
        }
    }

    /// <summary>
    /// A remote member is awaited, not run on worker threads: no thread waits on the network. Its deadline cancels the HTTP
    /// call, so a slow server degrades the ensemble exactly as a slow local member does ("timed out after N ms").
    /// </summary>
    private static async Task<MemberRun> RunRemoteMemberAsync(int index, RemoteModel model, TimeSpan timeout, ReadOnlyMemory<float> samples, int batchSize,
        CancellationToken cancellationToken)
    {
        var scores = new float[batchSize * model.Labels.Count];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await model.PredictAsync(samples, batchSize, scores, deadline.Token).ConfigureAwait(false);
            return new MemberRun(index, model.Id, scores, Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new MemberRun(index, model.Id, null, Stopwatch.GetElapsedTime(started),
                $"timed out after {timeout.TotalMilliseconds:0} ms waiting for {model.Remote.InferUrl}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new MemberRun(index, model.Id, null, Stopwatch.GetElapsedTime(started), $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Member scores aligned to the ensemble's labels for one sample: members × labels, NaN rows for members without scores.</summary>
    internal void AlignSample(MemberRun[] runs, int sample, Span<double> aligned)
    {
        var classes = Labels.Count;
        for (var m = 0; m < runs.Length; m++)
        {
            var row = aligned.Slice(m * classes, classes);
            var scores = runs[m].Scores;
            if (scores is null)
            {
                row.Fill(double.NaN);
                continue;
            }

            var width = _models[m].Labels.Count;
            _alignments[m].Apply(scores.AsSpan(sample * width, width), row);
        }
    }

    /// <summary>Fuses one sample of a batch with a strategy.</summary>
    internal FusedPrediction Fuse(MemberRun[] runs, int sample, FusionStrategyKind strategy)
    {
        var classes = Labels.Count;
        var aligned = new double[runs.Length * classes];
        AlignSample(runs, sample, aligned);
        var fused = new double[classes];
        var missing = runs.Any(r => r.Scores is null);
        if (strategy == FusionStrategyKind.Stacking && (_stacking is null || missing))
        {
            // The meta-model needs every member's scores; without them soft voting stands in and the result says so.
            strategy = FusionStrategyKind.Soft;
        }
        else if (strategy == FusionStrategyKind.Selection && _selection is null)
        {
            strategy = FusionStrategyKind.Soft;
        }

        FusionDecision decision;
        switch (strategy)
        {
            case FusionStrategyKind.Hard:
                decision = _hard.Fuse(aligned, fused);
                break;
            case FusionStrategyKind.Selection:
                decision = _selection!.Fuse(aligned, fused);
                break;
            case FusionStrategyKind.Stacking:
                decision = _stacking!.Fuse(aligned, fused);
                break;
            default:
                decision = _soft.Fuse(aligned, fused);
                break;
        }

        var members = new MemberScore[runs.Length];
        var excluded = new List<string>();
        for (var m = 0; m < runs.Length; m++)
        {
            var run = runs[m];
            var isExcluded = run.Scores is null || decision.IsExcluded(m);
            var error = run.Error ?? (isExcluded ? "non-finite scores for this sample" : null);
            members[m] = new MemberScore(run.MemberId, run.Scores is null ? null : aligned.AsSpan(m * classes, classes).ToArray(), run.Latency, error);
            if (isExcluded)
            {
                excluded.Add(run.MemberId);
            }
        }

        return new FusedPrediction(Labels, decision.ClassIndex, fused, members, decision.Agreement, decision.IsTie, strategy, excluded, excluded.Count > 0);
    }

    private static string Describe(IEnumerable<MemberRun> failed) => string.Join("; ", failed.Select(r => $"{r.MemberId}: {r.Error}"));
}
