using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Hosting;

namespace Chorus.Server.Tests;

/// <summary>
/// Triton's model repository extension over a real Kestrel server on 127.0.0.1 (port 0). Each test serves its own
/// temporary copy of the repository's plugins/ folder (the repository's files are never changed). Expected shapes and
/// codes come from shared/reference/serving-and-plugin-hosts.md, section (b): the rows "Triton: repo index / load /
/// unload" (200 on success, 400 {"error"} otherwise, index entries {"name","version","state","reason"} with states
/// READY and UNAVAILABLE) and Triton's status mapping (UNAVAILABLE → 503) for inference on an unloaded model.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ModelRepositoryTests
{
    private string _plugins = null!;
    private ChorusHost _host = null!;
    private LoopbackServer _server = null!;
    private HttpClient _client = null!;
    private float[][] _rows = null!;

    [SetUp]
    public async Task StartServer()
    {
        _plugins = Path.Combine(Path.GetTempPath(), "chorus-repo-" + Guid.NewGuid().ToString("N"));
        Copy(RepositoryPaths.Plugins, _plugins);
        _host = LoopbackServer.Host(_plugins);
        _rows = DigitsRows.Read(8).Samples;
        _server = await LoopbackServer.StartAsync(_host);
        _client = _server.Client;
    }

    [TearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_plugins, recursive: true);
        }
        catch (IOException)
        {
            // A native plugin's library may still be mapped; the temp folder is left behind.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Test]
    public async Task Server_metadata_lists_the_model_repository_extension()
    {
        var (_, body) = await SendAsync(HttpMethod.Get, "v2");

        Assert.That(body!.Value.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()), Does.Contain("model_repository"));
    }

    [Test]
    public async Task Index_lists_every_plugin_and_ensemble_as_ready()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "v2/repository/index");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var entries = body!.Value.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.That(entries.Keys, Is.SupersetOf(new[] { "digits-logreg", "digits-mlp", "digits-cnn", "digits" }));
        Assert.That(entries.Values.Select(e => e.GetProperty("state").GetString()), Has.All.EqualTo("READY"));
        Assert.That(entries["digits-logreg"].GetProperty("version").GetString(), Is.EqualTo("1.0.0"));
        Assert.That(entries["digits-logreg"].GetProperty("reason").GetString(), Is.Empty);
    }

    [Test]
    public async Task Unload_makes_infer_answer_503_with_an_error_and_load_brings_the_model_back()
    {
        var (unload, _) = await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/unload", """{"parameters":{"unload_dependents":false}}""");
        Assert.That(unload, Is.EqualTo(HttpStatusCode.OK));

        var (status, error) = await InferAsync("digits-logreg", "pixels", 1);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("digits-logreg").And.Contain("unloaded"));

        using (var ready = await _client.GetAsync(new Uri("v2/models/digits-logreg/ready", UriKind.Relative)))
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        }

        var (_, index) = await SendAsync(HttpMethod.Post, "v2/repository/index");
        var entry = index!.Value.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "digits-logreg");
        Assert.That(entry.GetProperty("state").GetString(), Is.EqualTo("UNAVAILABLE"));
        Assert.That(entry.GetProperty("reason").GetString(), Does.Contain("unloaded"));
        var (_, readyOnly) = await SendAsync(HttpMethod.Post, "v2/repository/index", """{"ready":true}""");
        Assert.That(readyOnly!.Value.EnumerateArray().Select(e => e.GetProperty("name").GetString()), Does.Not.Contain("digits-logreg"));

        var (load, _) = await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/load");
        Assert.That(load, Is.EqualTo(HttpStatusCode.OK));
        var (after, response) = await InferAsync("digits-logreg", "pixels", 1);
        Assert.That(after, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response!.Value.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 1, 10 }));
    }

    [TestCase("v2/repository/models/no-such-model/load")]
    [TestCase("v2/repository/models/no-such-model/unload")]
    [TestCase("v2/repository/models/digits/unload")]
    public async Task Repository_requests_that_cannot_be_done_answer_400_with_an_error(string path)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!.Value.GetProperty("error").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task A_load_that_fails_answers_400_and_the_old_version_keeps_serving()
    {
        var manifest = Path.Combine(_plugins, "digits-logreg", "plugin.json");
        await File.WriteAllTextAsync(manifest, "{ not json");

        var (status, body) = await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/load");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!.Value.GetProperty("error").GetString(), Does.Contain("plugin.json"));
        Assert.That((await InferAsync("digits-logreg", "pixels", 1)).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_ensemble_runs_degraded_without_an_unloaded_member_and_answers_503_below_its_minimum()
    {
        // plugins/digits.ensemble.json: three members, policy minMembers 2, onMemberFailure degrade.
        await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/unload");

        var (status, body) = await InferAsync("digits", "input", 1);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var parameters = body!.Value.GetProperty("parameters");
        Assert.That(parameters.GetProperty("degraded").GetBoolean(), Is.True);
        Assert.That(parameters.GetProperty("excluded_members").GetString(), Does.Contain("digits-logreg"));
        var (_, index) = await SendAsync(HttpMethod.Post, "v2/repository/index");
        var entry = index!.Value.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "digits");
        Assert.That(entry.GetProperty("state").GetString(), Is.EqualTo("READY"));
        Assert.That(entry.GetProperty("reason").GetString(), Does.Contain("degraded").And.Contain("digits-logreg"));

        await SendAsync(HttpMethod.Post, "v2/repository/models/digits-mlp/unload");
        var (below, error) = await InferAsync("digits", "input", 1);
        Assert.That(below, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("digits-mlp"));

        await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/load");
        await SendAsync(HttpMethod.Post, "v2/repository/models/digits-mlp/load");
        var (restored, full) = await InferAsync("digits", "input", 1);
        Assert.That(restored, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(full!.Value.GetProperty("parameters").GetProperty("degraded").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Reload_under_load_fails_no_request_and_the_new_version_serves()
    {
        // Touch the manifest's version so responses show which version answered.
        var manifest = Path.Combine(_plugins, "digits-logreg", "plugin.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("\"1.0.0\"", "\"1.0.1\"", StringComparison.Ordinal));

        var results = await RunLoopsAsync(TimeSpan.FromSeconds(2), async () =>
        {
            var (status, _) = await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/load");
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        });

        var failed = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.That(failed, Is.Empty, string.Join("; ", failed.Take(5).Select(f => $"{(int)f.Status} {f.Body}")));
        var after = results.Where(r => r.Started > r.ChangeDone).ToList();
        Assert.That(after, Is.Not.Empty, "no request started after the reload");
        Assert.That(after.Select(r => r.Version), Has.All.EqualTo("1.0.1"));
        Assert.That(results.Where(r => r.Ended < r.ChangeStarted).Select(r => r.Version), Has.All.EqualTo("1.0.0"));
    }

    [Test]
    public async Task Unloading_a_model_in_use_answers_new_requests_503_while_requests_in_flight_complete()
    {
        var results = await RunLoopsAsync(TimeSpan.FromSeconds(2), async () =>
        {
            var (status, _) = await SendAsync(HttpMethod.Post, "v2/repository/models/digits-logreg/unload");
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        });

        // No request fails any other way (a 500 would mean a call ran on a disposed model, a 0 a dropped connection).
        Assert.That(results.Select(r => r.Status), Has.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable));
        Assert.That(results.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).Select(r => r.Body), Has.All.Contain("unloaded"));
        Assert.That(results.Where(r => r.Ended < r.ChangeStarted).Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.OK));
        var after = results.Where(r => r.Started > r.ChangeDone).ToList();
        Assert.That(after, Is.Not.Empty);
        Assert.That(after.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.ServiceUnavailable));
        var inFlight = results.Where(r => r.Started < r.ChangeStarted && r.Ended > r.ChangeStarted).ToList();
        TestContext.Out.WriteLine($"{results.Count} requests; {inFlight.Count} in flight at the unload, {inFlight.Count(r => r.Status == HttpStatusCode.OK)} of them answered 200.");
    }

    /// <summary>8 loops of 8-row requests to digits-logreg for <paramref name="duration"/>; <paramref name="change"/> runs half-way.</summary>
    private async Task<List<LoopResult>> RunLoopsAsync(TimeSpan duration, Func<Task> change)
    {
        var results = new ConcurrentBag<LoopResult>();
        var clock = Stopwatch.StartNew();
        long changeStarted = long.MaxValue, changeDone = long.MaxValue;
        var loops = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = clock.ElapsedTicks;
                var (status, body) = await InferAsync("digits-logreg", "pixels", _rows.Length);
                var version = status == HttpStatusCode.OK ? body!.Value.GetProperty("model_version").GetString() : null;
                results.Add(new LoopResult(started, clock.ElapsedTicks, status, version, body?.GetRawText()));
            }
        })).ToList();

        await Task.Delay(duration / 2);
        Interlocked.Exchange(ref changeStarted, clock.ElapsedTicks);
        await change();
        Interlocked.Exchange(ref changeDone, clock.ElapsedTicks);
        await Task.WhenAll(loops);
        return results.Select(r => r with { ChangeStarted = changeStarted, ChangeDone = changeDone }).ToList();
    }

    private async Task<(HttpStatusCode Status, JsonElement? Body)> InferAsync(string model, string input, int rows)
    {
        var data = new JsonArray(_rows.Take(rows).SelectMany(r => r).Select(v => (JsonNode?)v).ToArray());
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(rows, 64),
                ["datatype"] = "FP32",
                ["data"] = data,
            }),
        };
        return await SendAsync(HttpMethod.Post, $"v2/models/{model}/infer", request.ToJsonString());
    }

    private async Task<(HttpStatusCode Status, JsonElement? Body)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (HttpRequestException)
        {
            return (0, null);
        }
    }

    internal static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            Copy(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }

    private sealed record LoopResult(long Started, long Ended, HttpStatusCode Status, string? Version, string? Body)
    {
        public long ChangeStarted { get; init; }

        public long ChangeDone { get; init; }
    }
}
