using System.Globalization;
using System.Net;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.Server.Ui;

namespace Chorus.Server.Tests;

/// <summary>
/// The visualizer's data feed (docs/visualizer.md) over a real Kestrel server on 127.0.0.1 with the repository's digits
/// plugins, read with an SSE parser written from the HTML spec's framing rules. Expected values come from the digits
/// test split itself (row order, true labels) and from the server's own v2 inference endpoint for the same row, a path
/// that does not go through the feed.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class VisualizerFeedTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private ChorusHost _host = null!;

    [OneTimeSetUp]
    public void OpenHost() => _host = LoopbackServer.Host(RepositoryPaths.Plugins);

    [OneTimeTearDown]
    public void CloseHost() => _host.Dispose();

    private Task<LoopbackServer> StartAsync(string? apiKey = null)
    {
        var options = new ChorusServerOptions { ApiKey = apiKey };
        options.VisualizerReplays["digits"] = RepositoryPaths.DigitsTest;
        return LoopbackServer.StartAsync(_host, options);
    }

    [Test]
    public async Task Feed_starts_with_a_snapshot_listing_the_digits_source()
    {
        await using var server = await StartAsync();
        using var feed = await SseStream.OpenAsync(server.Client, "ui/feed");

        Assert.That(feed.Response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(feed.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        var (name, snapshot) = await feed.NextAsync(s_wait);
        Assert.That(name, Is.EqualTo("snapshot"));
        var source = snapshot.GetProperty("sources")[0];
        Assert.Multiple(() =>
        {
            Assert.That(source.GetProperty("name").GetString(), Is.EqualTo("digits"));
            Assert.That(source.GetProperty("samples").GetInt32(), Is.EqualTo(File.ReadLines(RepositoryPaths.DigitsTest).Count() - 1));
            Assert.That(source.GetProperty("members").EnumerateArray().Select(m => m.GetString()), Is.EqualTo(new[] { "digits-logreg", "digits-mlp", "digits-cnn" }));
            Assert.That(snapshot.GetProperty("status").GetProperty("running").GetBoolean(), Is.False);
            Assert.That(snapshot.GetProperty("windowSize").GetInt32(), Is.EqualTo(VisualizerFeed.WindowSize));
            Assert.That(snapshot.GetProperty("viewers").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Replayed_samples_follow_the_test_split_and_match_the_v2_infer_answer_for_the_same_row()
    {
        await using var server = await StartAsync();
        using var feed = await SseStream.OpenAsync(server.Client, "ui/feed");
        await feed.NextAsync("snapshot", s_wait);
        var (rows, labels) = DigitsRows.Read(3);

        using (var start = await server.Client.PostAsync("ui/replay/start?source=digits&rate=50", null))
        {
            Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.OK), await start.Content.ReadAsStringAsync());
        }

        var samples = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            samples.Add((await feed.NextAsync("sample", s_wait)).GetProperty("sample"));
        }

        await server.Client.PostAsync("ui/replay/stop", null);
        Assert.That(samples.Select(s => s.GetProperty("row").GetInt32()), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(samples.Select(s => s.GetProperty("trueLabel").GetString()), Is.EqualTo(labels.Select(l => l.ToString(CultureInfo.InvariantCulture))));
        Assert.That(samples[2].GetProperty("totals").GetProperty("seen").GetInt64(), Is.EqualTo(3));

        for (var i = 0; i < 3; i++)
        {
            var expected = await EnsembleInference.InferAsync(server.Client, rows[i]);
            var sample = samples[i];
            Assert.That(sample.GetProperty("decision").GetString(), Is.EqualTo(expected.Label));
            foreach (var member in sample.GetProperty("members").EnumerateArray())
            {
                var id = member.GetProperty("id").GetString()!;
                Assert.That(member.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null), id);
                Assert.That(member.GetProperty("scores").EnumerateArray().Select(v => v.GetDouble()), Is.EqualTo(expected.Members[id]).Within(1e-5), id);
                Assert.That(member.GetProperty("latencyMs").GetDouble(), Is.GreaterThan(0), id);
            }

            // Agreement counted from the v2 answer: members whose own top label is the ensemble's label.
            var agreeing = expected.Members.Values.Count(s => ArgMax(s).ToString(CultureInfo.InvariantCulture) == expected.Label);
            Assert.That(sample.GetProperty("agreeing").GetInt32(), Is.EqualTo(agreeing));
            Assert.That(sample.GetProperty("answering").GetInt32(), Is.EqualTo(3));
            Assert.That(sample.GetProperty("correct").GetBoolean(), Is.EqualTo(expected.Label == labels[i].ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Test]
    public async Task Two_viewers_see_the_same_samples_and_a_closed_viewer_is_forgotten()
    {
        await using var server = await StartAsync();
        using var first = await SseStream.OpenAsync(server.Client, "ui/feed");
        var second = await SseStream.OpenAsync(server.Client, "ui/feed");
        await first.NextAsync("snapshot", s_wait);
        Assert.That((await second.NextAsync("snapshot", s_wait)).GetProperty("viewers").GetInt32(), Is.EqualTo(2));

        await server.Client.PostAsync("ui/replay/start?rate=40", null);
        var a = (await first.NextAsync("sample", s_wait)).GetProperty("sample").GetProperty("row").GetInt32();
        var b = (await second.NextAsync("sample", s_wait)).GetProperty("sample").GetProperty("row").GetInt32();
        Assert.That(b, Is.EqualTo(a));

        second.Dispose();
        var viewers = -1;
        for (var attempt = 0; attempt < 100 && viewers != 1; attempt++)
        {
            await Task.Delay(100);
            viewers = await ViewersAsync(server.Client);
        }

        Assert.That(viewers, Is.EqualTo(1), "the closed stream must leave the feed");
        var next = (await first.NextAsync("sample", s_wait)).GetProperty("sample").GetProperty("row").GetInt32();
        Assert.That(next, Is.GreaterThan(a), "the other viewer keeps receiving");
        await server.Client.PostAsync("ui/replay/stop", null);
    }

    [Test]
    public async Task Start_rejects_a_bad_rate_or_source_with_a_clear_error_and_keeps_serving()
    {
        await using var server = await StartAsync();

        foreach (var (query, expected) in new[]
        {
            ("rate=fast", "'rate' must be one number"),
            ("rate=0", "from 0.1 to 100"),
            ("rate=1000", "from 0.1 to 100"),
            ("rate=NaN", "from 0.1 to 100"),
            ("source=speech", "there is no replay source 'speech'; choose one of: digits"),
        })
        {
            using var response = await server.Client.PostAsync("ui/replay/start?" + query, null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), query);
            Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), Does.Contain(expected).And.Not.Contain("(Parameter"), query);
        }

        using var ok = await server.Client.PostAsync("ui/replay/start?rate=5", null);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var stop = await server.Client.PostAsync("ui/replay/stop", null);
        var status = JsonDocument.Parse(await stop.Content.ReadAsStringAsync()).RootElement;
        Assert.That(status.GetProperty("running").GetBoolean(), Is.False);
        Assert.That(status.GetProperty("reason").GetString(), Is.EqualTo("stopped"));
    }

    [Test]
    public async Task With_an_api_key_the_page_loads_without_it_but_the_feed_and_controls_need_it()
    {
        await using var server = await StartAsync(apiKey: "s3cret");

        using (var page = await server.Client.GetAsync("ui"))
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("id=\"members\""));
        }

        using (var feed = await server.Client.GetAsync("ui/feed"))
        {
            Assert.That(feed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using (var start = await server.Client.PostAsync("ui/replay/start", null))
        {
            Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using (var state = await server.Client.GetAsync("ui/state"))
        {
            Assert.That(state.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var authorized = await SseStream.OpenAsync(server.Client, "ui/feed", apiKey: "s3cret");
        Assert.That(authorized.Response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await authorized.NextAsync(s_wait)).Name, Is.EqualTo("snapshot"));
    }

    [Test]
    public async Task The_page_and_its_files_are_served_and_off_when_disabled()
    {
        await using (var server = await StartAsync())
        {
            foreach (var (path, type) in new[] { ("ui", "text/html"), ("ui/visualizer.js", "text/javascript"), ("ui/visualizer.css", "text/css") })
            {
                using var response = await server.Client.GetAsync(path);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), () => path + ": " + response.Content.ReadAsStringAsync().Result);
                Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(type), path);
                Assert.That(response.Content.Headers.ContentLength, Is.GreaterThan(500), path);
            }
        }

        await using var off = await LoopbackServer.StartAsync(_host, new ChorusServerOptions { EnableVisualizer = false });
        using var missing = await off.Client.GetAsync("ui");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Stopping_the_server_ends_open_feeds_instead_of_hanging()
    {
        var server = await StartAsync();
        using var feed = await SseStream.OpenAsync(server.Client, "ui/feed");
        await feed.NextAsync("snapshot", s_wait);
        await server.Client.PostAsync("ui/replay/start?rate=20", null);
        await feed.NextAsync("sample", s_wait);

        var dispose = server.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.That(finished, Is.SameAs(dispose), "disposing the server must not wait on the open event stream");
    }

    [Test]
    public void A_replay_for_an_unknown_ensemble_or_a_malformed_file_is_refused_at_construction()
    {
        var unknown = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
        unknown.VisualizerReplays["speech"] = RepositoryPaths.DigitsTest;
        Assert.That(() => new ChorusServer(_host, unknown), Throws.ArgumentException.With.Message.Contains("there is no ensemble 'speech'"));

        var file = Path.Combine(Path.GetTempPath(), "chorus-replay-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(file, "p0,p1,label\n1,2,3\n");
        try
        {
            var malformed = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
            malformed.VisualizerReplays["digits"] = file;
            Assert.That(() => new ChorusServer(_host, malformed),
                Throws.ArgumentException.With.Message.Contains("line 2: expected 64 values and a label (65 cells)"));
        }
        finally
        {
            File.Delete(file);
        }

        var absent = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
        absent.VisualizerReplays["digits"] = file;
        Assert.That(() => new ChorusServer(_host, absent), Throws.ArgumentException.With.Message.Contains("does not exist"));
    }

    [Test]
    public async Task A_viewer_that_does_not_read_keeps_only_its_newest_events_and_does_not_slow_the_others()
    {
        var ensemble = _host.GetEnsemble("digits");
        await using var feed = new VisualizerFeed([(CsvReplaySource.Load("digits", RepositoryPaths.DigitsTest, ensemble.SampleSize), ensemble)]);
        using var stalled = feed.Subscribe();
        using var reader = feed.Subscribe();
        using var timeout = new CancellationTokenSource(s_wait);
        feed.Start("digits", 100);

        var rows = new List<int>();
        await foreach (var item in reader.ReadAllAsync(timeout.Token))
        {
            if (item.Sample is { } sample && item.Kind == FeedEventKind.Sample)
            {
                rows.Add(sample.Row);
                if (rows.Count == VisualizerFeed.QueueLength + 20)
                {
                    break;
                }
            }
        }

        feed.Stop();
        Assert.That(rows, Is.EqualTo(Enumerable.Range(0, rows.Count)), "the reading viewer got every sample in order");

        var kept = new List<FeedEvent>();
        while (stalled.Events.TryRead(out var item))
        {
            kept.Add(item);
        }

        Assert.That(kept, Has.Count.EqualTo(VisualizerFeed.QueueLength));
        Assert.That(kept[^1].Kind, Is.EqualTo(FeedEventKind.Status), "the newest event (the stop) is kept");
        Assert.That(kept[^1].Sequence - kept[0].Sequence, Is.EqualTo(VisualizerFeed.QueueLength - 1), "the kept events are the newest, without gaps");
        Assert.That(kept[0].Kind, Is.EqualTo(FeedEventKind.Sample), "the oldest events (the start) were dropped");
    }

    [Test]
    public void Latency_window_keeps_the_last_values_oldest_first()
    {
        var window = new LatencyWindow(3);
        Assert.That(window.ToArray(), Is.Empty);
        window.Add(1);
        window.Add(2);
        Assert.That(window.ToArray(), Is.EqualTo(new double[] { 1, 2 }));
        window.Add(3);
        window.Add(4);
        window.Add(5);
        Assert.That(window.ToArray(), Is.EqualTo(new double[] { 3, 4, 5 }));
        Assert.That(window.Count, Is.EqualTo(3));
    }

    private static async Task<int> ViewersAsync(HttpClient client)
    {
        using var response = await client.GetAsync("ui/state");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("viewers").GetInt32();
    }

    private static int ArgMax(double[] scores) => Array.IndexOf(scores, scores.Max());
}
