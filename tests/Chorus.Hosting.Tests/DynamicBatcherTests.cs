using Chorus.Hosting.Scheduling;

namespace Chorus.Hosting.Tests;

/// <summary>
/// The dynamic batcher's structure: which requests share a Predict call, what each gets back, and what failure and
/// cancellation do. Batches are made deterministic with a long max delay and a max batch size the test fills exactly, so
/// nothing here depends on timing (each wait is capped only to fail instead of hanging).
/// </summary>
[TestFixture]
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_cap = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Requests_that_fill_the_max_batch_run_as_one_Predict_and_each_gets_its_own_rows()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 4, MaxQueueDelay = s_long });

        // Hand-worked: row (a, b) scores (a + b, a).
        var a = new float[2];
        var b = new float[4];
        var c = new float[2];
        var tasks = new[]
        {
            batcher.PredictAsync(new float[] { 1, 2 }, 1, a),
            batcher.PredictAsync(new float[] { 3, 4, 5, 6 }, 2, b),
            batcher.PredictAsync(new float[] { 7, 8 }, 1, c),
        };
        await Task.WhenAll(tasks).WaitAsync(s_cap);

        Assert.That(model.Calls, Has.Count.EqualTo(1), "three requests, four rows: one call");
        Assert.That(model.Calls[0], Is.EqualTo(new float[] { 1, 3, 5, 7 }), "rows concatenated in arrival order");
        Assert.That(a, Is.EqualTo(new float[] { 3, 1 }));
        Assert.That(b, Is.EqualTo(new float[] { 7, 3, 11, 5 }));
        Assert.That(c, Is.EqualTo(new float[] { 15, 7 }));
        Assert.That(tasks.Select(t => t.Result), Is.All.GreaterThanOrEqualTo(TimeSpan.Zero), "queue time is reported");
    }

    [Test]
    public async Task A_lone_request_runs_once_the_max_delay_has_passed()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 100, MaxQueueDelay = TimeSpan.FromMilliseconds(20) });
        var scores = new float[2];

        var queued = await batcher.PredictAsync(new float[] { 2, 5 }, 1, scores).WaitAsync(s_cap);

        Assert.That(scores, Is.EqualTo(new float[] { 7, 2 }));
        Assert.That(model.Calls, Has.Count.EqualTo(1));

        // Loosely: it waited for others (the delay), rather than being run at once. The timer may fire a little early.
        Assert.That(queued, Is.GreaterThan(TimeSpan.FromMilliseconds(10)));
    }

    [Test]
    public async Task A_request_larger_than_the_max_batch_runs_alone_and_whole()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });
        var scores = new float[6];

        await batcher.PredictAsync(new float[] { 1, 1, 2, 2, 3, 3 }, 3, scores).WaitAsync(s_cap);

        Assert.That(model.Calls.Select(c => c.Length), Is.EqualTo(new[] { 3 }));
        Assert.That(scores, Is.EqualTo(new float[] { 2, 1, 4, 2, 6, 3 }));
    }

    [Test]
    public async Task Rows_that_would_overflow_the_max_batch_wait_for_the_next_batch()
    {
        var model = new RowSumModel();
        // The last request is left alone below the max, so it waits for the (short) delay.
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 3, MaxQueueDelay = TimeSpan.FromMilliseconds(20) });

        var first = batcher.PredictAsync(new float[] { 1, 0, 2, 0 }, 2, new float[4]);
        var second = batcher.PredictAsync(new float[] { 3, 0, 4, 0 }, 2, new float[4]);
        var third = batcher.PredictAsync(new float[] { 5, 0, 6, 0 }, 2, new float[4]);
        await Task.WhenAll(first, second, third).WaitAsync(s_cap);

        // 2 + 2 > 3, so each batch holds one request, whatever the timing.
        Assert.That(model.Calls, Is.EqualTo(new[] { new float[] { 1, 2 }, [3, 4], [5, 6] }));
    }

    [Test]
    public async Task An_exception_fails_exactly_its_batch_and_the_next_batch_runs()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });

        var poisoned = batcher.PredictAsync(new float[] { -1, 0 }, 1, new float[2]);
        var neighbour = batcher.PredictAsync(new float[] { 4, 4 }, 1, new float[2]);
        var failure = Assert.ThrowsAsync<InvalidOperationException>(async () => await poisoned.WaitAsync(s_cap));
        Assert.That(failure!.Message, Does.Contain("poison"));
        Assert.ThrowsAsync<InvalidOperationException>(async () => await neighbour.WaitAsync(s_cap), "same batch, same failure");

        var after = new float[2];
        var other = new float[2];
        await Task.WhenAll(batcher.PredictAsync(new float[] { 1, 2 }, 1, after), batcher.PredictAsync(new float[] { 3, 3 }, 1, other)).WaitAsync(s_cap);
        Assert.That(after, Is.EqualTo(new float[] { 3, 1 }));
        Assert.That(other, Is.EqualTo(new float[] { 6, 3 }));
        Assert.That(model.Calls, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_request_canceled_while_queued_leaves_and_the_others_run_without_it()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });
        using var cancel = new CancellationTokenSource();

        var canceled = batcher.PredictAsync(new float[] { 9, 9 }, 1, new float[2], cancel.Token);
        await cancel.CancelAsync();
        Assert.That(async () => await canceled.WaitAsync(s_cap), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(batcher.QueuedRequests, Is.Zero);

        var a = new float[2];
        var b = new float[2];
        await Task.WhenAll(batcher.PredictAsync(new float[] { 1, 1 }, 1, a), batcher.PredictAsync(new float[] { 2, 2 }, 1, b)).WaitAsync(s_cap);

        Assert.That(model.Calls, Is.EqualTo(new[] { new float[] { 1, 2 } }), "the canceled row never reached the model");
        Assert.That(a, Is.EqualTo(new float[] { 2, 1 }));
        Assert.That(b, Is.EqualTo(new float[] { 4, 2 }));
    }

    [Test]
    public async Task A_request_whose_token_is_already_canceled_is_never_queued()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 1, MaxQueueDelay = s_long });

        var canceled = batcher.PredictAsync(new float[] { 1, 1 }, 1, new float[2], new CancellationToken(canceled: true));
        Assert.That(canceled.IsCanceled, Is.True);
        Assert.That(batcher.QueuedRequests, Is.Zero);

        await batcher.PredictAsync(new float[] { 2, 2 }, 1, new float[2]).WaitAsync(s_cap);
        Assert.That(model.Calls, Is.EqualTo(new[] { new float[] { 2 } }));
    }

    [Test]
    public void A_request_of_the_wrong_size_is_refused_and_never_queued()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });

        var error = Assert.Throws<ArgumentException>(() => batcher.PredictAsync(new float[3], 1, new float[2]));
        Assert.That(error!.Message, Does.Contain("row-sum").And.Contain("need 2 values, got 3"));
        Assert.Throws<ArgumentException>(() => batcher.PredictAsync(new float[2], 1, new float[1]));
        Assert.That(batcher.QueuedRequests, Is.Zero);
        Assert.That(model.Calls, Is.Empty);
    }

    [Test]
    public async Task Dispose_runs_the_queued_requests_at_once_and_refuses_new_ones()
    {
        var model = new RowSumModel();
        var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 10, MaxQueueDelay = s_long });
        var scores = new float[2];
        var queued = batcher.PredictAsync(new float[] { 5, 1 }, 1, scores);

        batcher.Dispose();

        await queued.WaitAsync(s_cap);
        Assert.That(scores, Is.EqualTo(new float[] { 6, 5 }), "drained well before the 30 s delay");
        Assert.Throws<ObjectDisposedException>(() => batcher.PredictAsync(new float[2], 1, new float[2]));
    }

    [Test]
    public async Task The_observer_sees_every_batch_with_its_size()
    {
        var model = new RowSumModel();
        var seen = new List<BatchExecution>();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 3, MaxQueueDelay = s_long }, e =>
        {
            lock (seen)
            {
                seen.Add(e);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => batcher.PredictAsync(new float[] { i, 0 }, 1, new float[2]))).WaitAsync(s_cap);
        Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await Task.WhenAll(Enumerable.Range(0, 3).Select(i => batcher.PredictAsync(new float[] { -i - 1, 0 }, 1, new float[2]))).WaitAsync(s_cap));

        lock (seen)
        {
            Assert.That(seen.Select(e => (e.Requests, e.Rows, e.Error is null)), Is.EqualTo(new[] { (3, 3, true), (3, 3, false) }));
        }
    }

    [Test]
    public async Task Concurrent_callers_share_Predict_calls_and_get_their_own_answers()
    {
        var model = new RowSumModel();
        using var batcher = new DynamicBatcher(model, new DynamicBatchingOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromMilliseconds(5) });
        const int Requests = 200;
        var scores = Enumerable.Range(0, Requests).Select(_ => new float[2]).ToArray();

        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            Task.Run(() => batcher.PredictAsync(new float[] { i, 1 }, 1, scores[i])))).WaitAsync(s_cap);

        for (var i = 0; i < Requests; i++)
        {
            Assert.That(scores[i], Is.EqualTo(new float[] { i + 1, i }), $"request {i}");
        }

        Assert.That(model.Calls.Sum(c => c.Length), Is.EqualTo(Requests), "every row ran exactly once");
        Assert.That(model.Calls.Select(c => c.Length), Is.All.LessThanOrEqualTo(8));
        Assert.That(model.Calls, Has.Count.LessThan(Requests), "some requests shared a call");
    }
}
