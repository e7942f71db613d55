using Chorus.Hosting.Ensembles;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests;

/// <summary>
/// A member that hangs (ignores its token) on every request, beside a healthy one. Each abandoned call keeps a thread-pool
/// thread blocked; the healthy member must still answer every request within its timeout.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class HungMemberTests
{
    private static readonly string[] s_labels = ["a", "b"];

    [Test]
    public async Task A_hung_member_does_not_make_a_healthy_member_time_out()
    {
        // Concurrent requests, as a server or a frame loop with several requests in flight makes them. Each hung call
        // blocks a pool thread; once they hold every thread, the healthy member's calls wait in the queue past the deadline.
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        var requests = (4 * minWorkers) + 4;
        var hung = TestModel.Slow("hung", s_labels, [1f, 0f], TimeSpan.FromSeconds(3));
        var healthy = TestModel.Constant("healthy", s_labels, [0f, 1f]);
        using var folder = new TempFolder();
        var file = folder.Write("hung.ensemble.json", """
            { "id": "hung", "labels": ["a", "b"], "members": ["hung", "healthy"], "policy": { "minMembers": 1, "memberTimeoutMs": 200 } }
            """);
        var provider = CodePlugins.Provider(hung, healthy);
        try
        {
            var ensemble = provider.GetRequiredService<ChorusHost>().LoadEnsemble(file);

            var outcomes = await Task.WhenAll(Enumerable.Range(0, requests).Select(async request =>
            {
                try
                {
                    var prediction = await ensemble.PredictAsync(new float[2]);
                    return prediction.Members[1].Error is { } error ? $"request {request}: healthy: {error}" : null;
                }
                catch (EnsembleException ex)
                {
                    return $"request {request}: {ex.Message}";
                }
            }));

            Assert.That(outcomes.Where(o => o is not null).ToList(), Is.Empty,
                $"the healthy member answers at once ({requests} concurrent requests, {minWorkers} minimum pool threads)");
        }
        finally
        {
            hung.WaitUntilIdle(TimeSpan.FromSeconds(60));
            await provider.DisposeAsync();
        }
    }
}
