namespace Chorus.Hosting.Ensembles;

/// <summary>
/// A request submitted with <see cref="Ensemble.Submit"/>: a frame loop polls it on later frames and never blocks.
/// </summary>
public sealed class EnsembleTicket
{
    private readonly Task<IReadOnlyList<FusedPrediction>> _task;

    internal EnsembleTicket(Task<IReadOnlyList<FusedPrediction>> task)
    {
        _task = task;
    }

    /// <summary>Whether the result (or an error) is ready.</summary>
    public bool IsCompleted => _task.IsCompleted;

    /// <summary>
    /// Takes the result if it is ready, without waiting. Returns false while the request runs; true with the predictions,
    /// or true with <paramref name="error"/> set when it failed or was canceled.
    /// </summary>
    public bool TryGetResult(out IReadOnlyList<FusedPrediction>? predictions, out Exception? error)
    {
        predictions = null;
        error = null;
        if (!_task.IsCompleted)
        {
            return false;
        }

        if (_task.IsCompletedSuccessfully)
        {
            predictions = _task.Result;
        }
        else
        {
            error = _task.Exception?.InnerException ?? new OperationCanceledException("The ensemble request was canceled.");
        }

        return true;
    }

    /// <summary>The underlying task, for code that prefers to await.</summary>
    public Task<IReadOnlyList<FusedPrediction>> AsTask() => _task;
}
