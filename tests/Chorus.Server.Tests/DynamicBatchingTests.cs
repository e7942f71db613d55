using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Hosting;
using Chorus.Hosting.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>
/// Dynamic batching over HTTP (docs/serving.md, "Dynamic batching"). Batches are made deterministic by a long max delay and
/// a max batch size the test fills exactly: the batch runs when the last request arrives, so the structure (which requests
/// share a Predict call) never depends on timing. Expected scores come from calling the model directly (digits-mlp) or are
/// hand-worked (<see cref="RowSumModel"/>: row (a, b) scores (a + b, a)).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DynamicBatchingTests
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_cap = TimeSpan.FromSeconds(20);

    [Test]
    [Category("Integration")]
    public async Task Concurrent_requests_share_one_Predict_call_and_each_gets_the_models_own_answer_for_its_rows()
    {
        using var host = LoopbackServer.Host(RepositoryPaths.Plugins);
        var options = new ChorusServerOptions();
        options.Batching["digits-mlp"] = new DynamicBatchingOptions { MaxBatchSize = 8, MaxQueueDelay = s_long };
        await using var server = await LoopbackServer.StartAsync(host, options);
        var rows = DigitsRows.Read(8).Samples;
        int[] sizes = [1, 2, 3, 2];
        var starts = sizes.Select((_, i) => sizes.Take(i).Sum()).ToArray();

        var answers = await Task.WhenAll(sizes.Select((size, i) => InferAsync(server.Client, "digits-mlp", "pixels", rows[starts[i]..(starts[i] + size)])))
            .WaitAsync(s_cap);

        // Expected: the model itself, called on each request's rows alone (as an unbatched server would).
        var model = host.Catalog.FindModel("digits-mlp")!;
        for (var i = 0; i < sizes.Length; i++)
        {
            var expected = new float[sizes[i] * model.Labels.Count];
            model.Predict(rows[starts[i]..(starts[i] + sizes[i])].SelectMany(r => r).ToArray(), sizes[i], expected);
            Assert.That(answers[i].Status, Is.EqualTo(HttpStatusCode.OK), answers[i].Text);
            var output = answers[i].Body!.Value.GetProperty("outputs")[0];
            Assert.That(output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { sizes[i], 10 }));
            Assert.That(output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), Is.EqualTo(expected).Within(1e-5f), $"request {i}");
        }

        var metrics = await MetricsTests.ScrapeAsync(server.Client);
        const string Labels = "model=\"digits-mlp\",version=\"1.0.0\"";
        Assert.That(metrics[$"nv_inference_exec_count{{{Labels}}}"], Is.EqualTo(1), "four requests, one execution");
        Assert.That(metrics[$"nv_inference_count{{{Labels}}}"], Is.EqualTo(8));
        Assert.That(metrics[$"nv_inference_request_success{{{Labels}}}"], Is.EqualTo(4));
        Assert.That(metrics[$"chorus_batch_size_bucket{{{Labels},le=\"4\"}}"], Is.Zero);
        Assert.That(metrics[$"chorus_batch_size_bucket{{{Labels},le=\"8\"}}"], Is.EqualTo(1));
        Assert.That(metrics[$"chorus_batch_size_sum{{{Labels}}}"], Is.EqualTo(8));
        Assert.That(metrics[$"chorus_queue_duration_seconds_count{{{Labels}}}"], Is.EqualTo(4));
        Assert.That(metrics[$"nv_inference_pending_request_count{{{Labels}}}"], Is.Zero);
    }

    [Test]
    [Category("Integration")]
    public async Task Without_batching_options_every_request_is_its_own_execution()
    {
        using var host = LoopbackServer.Host(RepositoryPaths.Plugins);
        await using var server = await LoopbackServer.StartAsync(host);
        var rows = DigitsRows.Read(4).Samples;

        var answers = await Task.WhenAll(rows.Select(r => InferAsync(server.Client, "digits-mlp", "pixels", [r]))).WaitAsync(s_cap);

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(HttpStatusCode.OK));
        var metrics = await MetricsTests.ScrapeAsync(server.Client);
        const string Labels = "model=\"digits-mlp\",version=\"1.0.0\"";
        Assert.That(metrics[$"nv_inference_exec_count{{{Labels}}}"], Is.EqualTo(4));
        Assert.That(metrics[$"chorus_batch_size_bucket{{{Labels},le=\"1\"}}"], Is.EqualTo(4));
        Assert.That(metrics.Keys.Where(k => k.StartsWith("chorus_queue_duration_seconds", StringComparison.Ordinal) || k.StartsWith("nv_inference_pending_request_count", StringComparison.Ordinal)),
            Is.Empty, "no model is batched");
    }

    [Test]
    public async Task A_failing_batch_fails_exactly_its_requests_with_500_and_the_next_batch_runs()
    {
        var model = new RowSumModel();
        using var provider = model.Provider();
        await using var server = await StartAsync(provider, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });

        var failed = await Task.WhenAll(InferAsync(server.Client, "row-sum", "input", [[-1, 0]]), InferAsync(server.Client, "row-sum", "input", [[4, 4]]))
            .WaitAsync(s_cap);
        Assert.That(failed.Select(f => f.Status), Has.All.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(failed.Select(f => f.Body!.Value.GetProperty("error").GetString()), Has.All.Contain("poison row"));

        var next = await Task.WhenAll(InferAsync(server.Client, "row-sum", "input", [[1, 2]]), InferAsync(server.Client, "row-sum", "input", [[3, 3]]))
            .WaitAsync(s_cap);
        Assert.That(next.Select(n => n.Status), Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(Scores(next[0]), Is.EqualTo(new float[] { 3, 1 }));
        Assert.That(Scores(next[1]), Is.EqualTo(new float[] { 6, 3 }));
        Assert.That(model.Calls, Has.Count.EqualTo(2), "two batches of two");

        var metrics = await MetricsTests.ScrapeAsync(server.Client);
        Assert.That(metrics["nv_inference_request_failure{model=\"row-sum\",version=\"1.0.0\",reason=\"BACKEND\"}"], Is.EqualTo(2));
        Assert.That(metrics["nv_inference_request_success{model=\"row-sum\",version=\"1.0.0\"}"], Is.EqualTo(2));
    }

    [Test]
    public async Task A_request_that_fails_validation_is_answered_at_once_and_never_joins_the_batch()
    {
        var model = new RowSumModel();
        using var provider = model.Provider();
        await using var server = await StartAsync(provider, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });

        var queued = InferAsync(server.Client, "row-sum", "input", [[1, 1]]);
        await WaitForPendingAsync(server.Client, 1);

        // Three values per sample: refused while the first request still waits for a partner.
        var invalid = await InferAsync(server.Client, "row-sum", "input", [[5, 5, 5]]).WaitAsync(s_cap);
        Assert.That(invalid.Status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(queued.IsCompleted, Is.False, "the queued request still waits for a second row");

        var partner = await InferAsync(server.Client, "row-sum", "input", [[2, 0]]).WaitAsync(s_cap);
        var first = await queued.WaitAsync(s_cap);
        Assert.That((first.Status, partner.Status), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
        Assert.That(Scores(first), Is.EqualTo(new float[] { 2, 1 }));
        Assert.That(Scores(partner), Is.EqualTo(new float[] { 2, 2 }));
        Assert.That(model.Calls, Is.EqualTo(new[] { new float[] { 1, 2 } }));
    }

    [Test]
    public async Task A_client_that_goes_away_while_queued_leaves_the_queue_and_the_others_are_served()
    {
        var model = new RowSumModel();
        using var provider = model.Provider();
        await using var server = await StartAsync(provider, new DynamicBatchingOptions { MaxBatchSize = 2, MaxQueueDelay = s_long });
        using var cancel = new CancellationTokenSource();

        var abandoned = InferAsync(server.Client, "row-sum", "input", [[9, 9]], cancel.Token);
        await WaitForPendingAsync(server.Client, 1);
        await cancel.CancelAsync();
        Assert.That(async () => await abandoned.WaitAsync(s_cap), Throws.InstanceOf<OperationCanceledException>());
        await WaitForPendingAsync(server.Client, 0);

        var answers = await Task.WhenAll(InferAsync(server.Client, "row-sum", "input", [[1, 1]]), InferAsync(server.Client, "row-sum", "input", [[2, 2]]))
            .WaitAsync(s_cap);

        Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(HttpStatusCode.OK));
        // The two requests race each other to the queue, so their order in the batch is either.
        Assert.That(model.Calls, Has.Count.EqualTo(1));
        Assert.That(model.Calls[0], Is.EquivalentTo(new float[] { 1, 2 }), "the abandoned row never reached the model");
        var metrics = await MetricsTests.ScrapeAsync(server.Client);
        Assert.That(metrics["nv_inference_request_failure{model=\"row-sum\",version=\"1.0.0\",reason=\"CANCELED\"}"], Is.EqualTo(1));
    }

    [Test]
    [Category("Integration")]
    public async Task Reload_and_unload_under_batched_load_drain_cleanly()
    {
        var plugins = Path.Combine(Path.GetTempPath(), "chorus-batch-" + Guid.NewGuid().ToString("N"));
        ModelRepositoryTests.Copy(RepositoryPaths.Plugins, plugins);
        try
        {
            using var host = LoopbackServer.Host(plugins);
            var options = new ChorusServerOptions();
            options.Batching["digits-logreg"] = new DynamicBatchingOptions { MaxBatchSize = 16, MaxQueueDelay = TimeSpan.FromMilliseconds(2) };
            await using var server = await LoopbackServer.StartAsync(host, options);
            var rows = DigitsRows.Read(2).Samples;
            var manifest = Path.Combine(plugins, "digits-logreg", "plugin.json");
            await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("\"1.0.0\"", "\"1.0.1\"", StringComparison.Ordinal));

            var reload = await RunLoopsAsync(server.Client, rows, "load");
            Assert.That(reload.Where(r => r.Status != HttpStatusCode.OK).Select(r => $"{(int)r.Status} {r.Text}"), Is.Empty, "no request fails on a reload");
            Assert.That(reload.Where(r => r.Started > r.ChangeDone).Select(r => r.Version), Is.Not.Empty.And.All.EqualTo("1.0.1"));

            var unload = await RunLoopsAsync(server.Client, rows, "unload");
            Assert.That(unload.Select(r => r.Status), Has.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable));
            Assert.That(unload.Where(r => r.Started > r.ChangeDone).Select(r => r.Status), Is.Not.Empty.And.All.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(unload.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).Select(r => r.Text), Has.All.Contain("unloaded"));
        }
        finally
        {
            try
            {
                Directory.Delete(plugins, recursive: true);
            }
            catch (IOException)
            {
                // A native plugin's library may still be mapped; the temp folder is left behind.
            }
        }
    }

    [Test]
    [Category("Integration")]
    public void Batching_an_ensemble_or_an_unknown_model_is_refused_at_construction()
    {
        using var host = LoopbackServer.Host(RepositoryPaths.Plugins);
        var ensemble = new ChorusServerOptions();
        ensemble.Batching["digits"] = new DynamicBatchingOptions();
        var unknown = new ChorusServerOptions();
        unknown.Batching["no-such-model"] = new DynamicBatchingOptions();
        var invalid = new ChorusServerOptions();
        invalid.Batching["digits-mlp"] = new DynamicBatchingOptions { MaxBatchSize = 0 };

        Assert.That(() => new ChorusServer(host, ensemble), Throws.ArgumentException.With.Message.Contain("'digits' is an ensemble"));
        Assert.That(() => new ChorusServer(host, unknown), Throws.ArgumentException.With.Message.Contain("there is no plugin 'no-such-model'"));
        Assert.That(() => new ChorusServer(host, invalid), Throws.InstanceOf<ChorusException>().With.Message.Contain("digits-mlp"));
    }

    private static Task<LoopbackServer> StartAsync(ServiceProvider provider, DynamicBatchingOptions batching)
    {
        var options = new ChorusServerOptions();
        options.Batching[RowSumModel.ModelId] = batching;
        return LoopbackServer.StartAsync(provider.GetRequiredService<ChorusHost>(), options);
    }

    /// <summary>Polls /metrics until the row-sum batcher holds <paramref name="count"/> requests (fails after 20 s).</summary>
    private static async Task WaitForPendingAsync(HttpClient client, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var metrics = await MetricsTests.ScrapeAsync(client);
            var pending = metrics["nv_inference_pending_request_count{model=\"row-sum\",version=\"1.0.0\"}"];
            if (pending == count)
            {
                return;
            }

            Assert.That(clock.Elapsed, Is.LessThan(s_cap), $"the batcher still holds {pending} request(s), waiting for {count}");
            await Task.Delay(10);
        }
    }

    /// <summary>8 loops of 2-row requests to digits-logreg for 2 s; the repository call <paramref name="change"/> runs half-way.</summary>
    private static async Task<List<LoopResult>> RunLoopsAsync(HttpClient client, float[][] rows, string change)
    {
        var duration = TimeSpan.FromSeconds(2);
        var results = new ConcurrentBag<LoopResult>();
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = clock.ElapsedTicks;
                var answer = await InferAsync(client, "digits-logreg", "pixels", rows);
                var version = answer.Status == HttpStatusCode.OK ? answer.Body!.Value.GetProperty("model_version").GetString() : null;
                results.Add(new LoopResult(started, answer.Status, version, answer.Text));
            }
        })).ToList();

        await Task.Delay(duration / 2);
        using (var content = new StringContent(string.Empty))
        using (var response = await client.PostAsync(new Uri($"v2/repository/models/digits-logreg/{change}", UriKind.Relative), content))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), change);
        }

        var changeDone = clock.ElapsedTicks;
        await Task.WhenAll(loops);
        return results.Select(r => r with { ChangeDone = changeDone }).ToList();
    }

    private static float[] Scores(Answer answer) =>
        answer.Body!.Value.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static async Task<Answer> InferAsync(HttpClient client, string model, string input, float[][] rows, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(rows.Length, rows[0].Length),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(rows.SelectMany(r => r).Select(v => (JsonNode?)v).ToArray()),
            }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"v2/models/{model}/infer", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, text, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
    }

    private sealed record Answer(HttpStatusCode Status, string Text, JsonElement? Body);

    private sealed record LoopResult(long Started, HttpStatusCode Status, string? Version, string Text)
    {
        public long ChangeDone { get; init; }
    }
}
