using System.Diagnostics;
using Chorus.Hosting.Ensembles;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests;

/// <summary>
/// Submit and poll, as a frame loop does: a gated model holds the answer back until the test opens the gate. Every wait
/// here is bounded.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class SubmitTests
{
    private static readonly string[] s_labels = ["left", "right"];
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(10);

    private TempFolder _folder = null!;
    private SemaphoreSlim _gate = null!;
    private ServiceProvider _provider = null!;
    private Ensemble _ensemble = null!;

    [OneTimeSetUp]
    public void CreateEnsemble()
    {
        _folder = new TempFolder();
        _gate = new SemaphoreSlim(0);
        _provider = CodePlugins.Provider(TestModel.Gated("gated", s_labels, [0.25f, 0.75f], _gate));
        var file = _folder.Write("frames.ensemble.json", """
            { "id": "frames", "labels": ["left", "right"], "members": ["gated"], "policy": { "memberTimeoutMs": 30000 } }
            """);
        _ensemble = _provider.GetRequiredService<ChorusHost>().LoadEnsemble(file);
    }

    [OneTimeTearDown]
    public void DisposeEnsemble()
    {
        // Let any model still waiting go, then dispose.
        _gate.Release(100);
        _ensemble.Dispose(); // also done by the host on dispose; disposing twice is harmless
        _provider.Dispose();
        _gate.Dispose();
        _folder.Dispose();
    }

    [Test]
    public async Task The_ticket_is_pending_until_the_model_answers_then_holds_the_predictions()
    {
        var ticket = _ensemble.Submit(new float[4], 2);

        for (var frame = 0; frame < 5; frame++)
        {
            Assert.That(ticket.TryGetResult(out var pending, out var pendingError), Is.False, $"frame {frame}: the gate is closed");
            Assert.That(pending, Is.Null);
            Assert.That(pendingError, Is.Null);
            Assert.That(ticket.IsCompleted, Is.False);
            await Task.Delay(20);
        }

        _gate.Release();
        var (ready, predictions, error) = await PollAsync(ticket);

        Assert.That(ready, Is.True, $"no result within {s_pollLimit}");
        Assert.That(error, Is.Null);
        Assert.That(predictions, Has.Count.EqualTo(2));
        Assert.That(predictions!.Select(p => p.Label), Is.EqualTo(new[] { "right", "right" }));
        Assert.That(predictions[0].Scores, Is.EqualTo(new[] { 0.25, 0.75 }));
        Assert.That(ticket.IsCompleted, Is.True);
        Assert.That(await ticket.AsTask(), Is.SameAs(predictions), "the ticket's task holds the same result");
    }

    [Test]
    public async Task A_failed_request_is_ready_with_its_error()
    {
        var ticket = _ensemble.Submit(new float[3], 1);

        var (ready, predictions, error) = await PollAsync(ticket);

        Assert.That(ready, Is.True);
        Assert.That(predictions, Is.Null);
        Assert.That(error, Is.InstanceOf<EnsembleException>().With.Message.EqualTo("ensemble 'frames': 1 sample(s) of 2 values need 2 values, got 3."));
    }

    [Test]
    public async Task A_cancelled_request_is_ready_with_a_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        var ticket = _ensemble.Submit(new float[2], 1, cancellation.Token);
        Assert.That(ticket.TryGetResult(out _, out _), Is.False);

        await cancellation.CancelAsync();
        var (ready, predictions, error) = await PollAsync(ticket);

        Assert.That(ready, Is.True);
        Assert.That(predictions, Is.Null);
        Assert.That(error, Is.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Polls once per 10 ms "frame", for at most <see cref="s_pollLimit"/>.</summary>
    private static async Task<(bool Ready, IReadOnlyList<FusedPrediction>? Predictions, Exception? Error)> PollAsync(EnsembleTicket ticket)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_pollLimit)
        {
            if (ticket.TryGetResult(out var predictions, out var error))
            {
                return (true, predictions, error);
            }

            await Task.Delay(10);
        }

        return (false, null, null);
    }
}
