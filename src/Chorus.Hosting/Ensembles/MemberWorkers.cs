using System.Collections.Concurrent;

namespace Chorus.Hosting.Ensembles;

/// <summary>
/// The threads one ensemble member runs on. Each member has its own, so a member that hangs (and ignores its cancellation
/// token) blocks only its own threads: the other members, and the thread pool the host app uses, keep their threads.
/// </summary>
internal sealed class MemberWorkers : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private int _abandoned;

    public MemberWorkers(string memberId, int threadCount)
    {
        ThreadCount = threadCount;
        for (var i = 0; i < threadCount; i++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = $"chorus member {memberId} #{i}" };
            thread.Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>Calls that were abandoned at their deadline and still hold a thread.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>Queues work; the task completes when it has run (or faulted).</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
#pragma warning disable CA1031 // Everything a member throws is reported through its task.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    /// <summary>Counts a call whose caller stopped waiting, until it finally returns.</summary>
    public void MarkAbandoned(Task call)
    {
        Interlocked.Increment(ref _abandoned);
        call.ContinueWith(static (_, state) => Interlocked.Decrement(ref ((MemberWorkers)state!)._abandoned), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public void Dispose() => _queue.CompleteAdding();

    private void Work()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
