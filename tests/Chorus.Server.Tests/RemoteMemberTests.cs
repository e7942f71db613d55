using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.Hosting.Ensembles;
using Chorus.Plugins;

namespace Chorus.Server.Tests;

/// <summary>
/// Ensembles with a remote member (docs/hosting.md, "Remote members") against real servers on loopback: a second Chorus
/// server serving digits-mlp, and <see cref="ScriptedV2Server"/> standing in for a slow or failing Triton/KServe. Expected
/// fused scores are worked by hand from the local models' own outputs: soft voting of two members with weight 1 is the
/// mean of their probabilities per label name (docs/fusion.md, "Soft voting"), so no fusion code of ours makes them.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RemoteMemberTests
{
    private const string Digits = """["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]""";

    // digits-mlp's plugin.json lists its score columns 9 down to 0; a remote member must declare that order.
    private const string MlpColumns = """["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"]""";
    private const string RemoteId = "mlp-remote";

    private TestFolder _remoteFolder = null!;
    private TestFolder _localFolder = null!;
    private TestFolder _ensembles = null!;
    private ChorusHost _remoteHost = null!;
    private ChorusHost _localHost = null!;
    private LoopbackServer _remote = null!;
    private float[][] _rows = null!;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        _remoteFolder = new TestFolder().WithPlugins("digits-mlp");
        _localFolder = new TestFolder().WithPlugins("digits-logreg", "digits-mlp");
        _ensembles = new TestFolder();
        _remoteHost = LoopbackServer.Host(_remoteFolder.Path);
        _localHost = LoopbackServer.Host(_localFolder.Path);
        _remote = await LoopbackServer.StartAsync(_remoteHost);
        _rows = DigitsRows.Read(20).Samples;
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await _remote.DisposeAsync();
        _localHost.Dispose();
        _remoteHost.Dispose();
        _remoteFolder.Dispose();
        _localFolder.Dispose();
        _ensembles.Dispose();
    }

    [Test]
    public async Task Fused_results_equal_the_local_models_fused_by_hand()
    {
        var ensemble = Load("mixed", _remote.Client.BaseAddress!.ToString());

        var predictions = await ensemble.PredictAsync(_rows.SelectMany(r => r).ToArray(), _rows.Length);

        var expected = HandFused(_rows);
        var mlp = HandAligned("digits-mlp", _rows);
        for (var i = 0; i < _rows.Length; i++)
        {
            Assert.That(predictions[i].IsDegraded, Is.False, predictions[i].ToString());
            Assert.That(predictions[i].Scores, Is.EqualTo(expected[i]).Within(1e-6), $"sample {i}");
            Assert.That(predictions[i].Label, Is.EqualTo(ArgMax(expected[i]).ToString(CultureInfo.InvariantCulture)), $"sample {i}");
            Assert.That(predictions[i].Members.Single(m => m.MemberId == RemoteId).Scores, Is.EqualTo(mlp[i]).Within(1e-6), $"sample {i}");
        }

        // And the same as the all-local ensemble over the same rows.
        var local = _localHost.LoadEnsemble(_ensembles.Write("all-local.ensemble.json",
            $$"""{ "id": "all-local", "labels": {{Digits}}, "members": ["digits-logreg", "digits-mlp"] }"""));
        var localPredictions = await local.PredictAsync(_rows.SelectMany(r => r).ToArray(), _rows.Length);
        Assert.That(predictions.Select(p => p.Scores), Is.EqualTo(localPredictions.Select(p => p.Scores)).Within(1e-6));
    }

    [Test]
    public async Task The_comparison_can_fail_a_remote_member_declaring_the_wrong_column_order_gives_other_scores()
    {
        // Control for the test above: the same remote model with its columns declared 0..9 is aligned wrongly.
        var ensemble = Load("misordered", _remote.Client.BaseAddress!.ToString(), remoteLabels: Digits);

        var predictions = await ensemble.PredictAsync(_rows.SelectMany(r => r).ToArray(), _rows.Length);

        var expected = HandFused(_rows);
        var largest = Enumerable.Range(0, _rows.Length).Max(i => predictions[i].Scores.Zip(expected[i], (a, b) => Math.Abs(a - b)).Max());
        Assert.That(largest, Is.GreaterThan(1e-3));
    }

    [Test]
    public async Task An_ensemble_with_a_remote_member_is_served_over_http_calling_the_same_servers_v2_endpoint()
    {
        // The ensemble's remote member is digits-mlp on the very server that serves the ensemble: the port is chosen before
        // the host loads (so the member is not checked at load), then the server listens on it.
        var port = ScriptedV2Server.FreePort();
        using var folder = new TestFolder().WithPlugins("digits-logreg", "digits-mlp");
        folder.Write("self.ensemble.json", Ensemble("self", $"http://127.0.0.1:{port}"));
        using var host = LoopbackServer.Host(folder.Path);
        await using var server = new ChorusServer(host, new ChorusServerOptions { Urls = $"http://127.0.0.1:{port}" });
        using var client = new HttpClient { BaseAddress = new Uri(await server.StartAsync()) };
        Assert.That(host.EnsembleProblems.Single(), Does.Contain("not checked at load"));

        var metadata = JsonDocument.Parse(await client.GetStringAsync(new Uri("v2/models/self", UriKind.Relative))).RootElement;
        var input = metadata.GetProperty("inputs")[0].GetProperty("name").GetString();
        var rows = _rows.Take(3).ToArray();
        var request = JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = input, shape = new[] { 3, 64 }, datatype = "FP32", data = rows.SelectMany(r => r).ToArray() } },
            parameters = new { member_scores = true },
        });
        using var response = await client.PostAsync(new Uri("v2/models/self/infer", UriKind.Relative), new StringContent(request, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.That(root.GetProperty("parameters").GetProperty("degraded").GetBoolean(), Is.False, body);
        var scores = root.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "scores");
        Assert.That(scores.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 3, 10 }));
        var values = scores.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var expected = HandFused(rows);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.That(values.Skip(i * 10).Take(10), Is.EqualTo(expected[i]).Within(1e-6), $"sample {i}");
        }

        Assert.That(root.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()), Does.Contain("member:" + RemoteId));
    }

    [Test]
    public async Task A_stopped_remote_server_degrades_the_ensemble_naming_the_member_and_the_reason_and_the_host_keeps_serving()
    {
        var second = await LoopbackServer.StartAsync(_remoteHost);
        var url = second.Client.BaseAddress!.ToString();
        var ensemble = Load("stopped", url);
        var sample = _rows[0];
        Assert.That((await ensemble.PredictAsync(sample)).IsDegraded, Is.False);

        await second.DisposeAsync();
        var first = await ensemble.PredictAsync(sample);
        var again = await ensemble.PredictAsync(_rows[1]);

        foreach (var (prediction, row) in new[] { (first, _rows[0]), (again, _rows[1]) })
        {
            Assert.That(prediction.IsDegraded, Is.True);
            Assert.That(prediction.ExcludedMembers, Is.EqualTo(new[] { RemoteId }));
            var error = prediction.Members.Single(m => m.MemberId == RemoteId).Error;
            Assert.That(error, Does.StartWith($"RemoteModelException: remote member '{RemoteId}' (model 'digits-mlp' at {url}): cannot reach {url}v2/models/digits-mlp/infer"));

            // Only digits-logreg answered, so the fused scores are its own, aligned by label.
            Assert.That(prediction.Scores, Is.EqualTo(HandAligned("digits-logreg", [row])[0]).Within(1e-6));
        }
    }

    [Test]
    public async Task A_slow_remote_server_times_out_like_a_slow_local_member()
    {
        await using var slow = await ScriptedV2Server.StartAsync();
        slow.InferDelay = TimeSpan.FromSeconds(5);
        var ensemble = Load("slow", slow.Url, remoteLabels: Digits, model: "scripted", memberTimeoutMs: 300);

        var clock = Stopwatch.StartNew();
        var prediction = await ensemble.PredictAsync(_rows[0]);
        clock.Stop();

        Assert.That(prediction.IsDegraded, Is.True);
        Assert.That(prediction.ExcludedMembers, Is.EqualTo(new[] { RemoteId }));
        Assert.That(prediction.Members.Single(m => m.MemberId == RemoteId).Error,
            Is.EqualTo($"timed out after 300 ms waiting for {slow.Url}/v2/models/scripted/infer"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the ensemble answered at the member's deadline, not the server's");
        Assert.That(prediction.Scores, Is.EqualTo(HandAligned("digits-logreg", [_rows[0]])[0]).Within(1e-6));
    }

    [TestCase(400, """{"error": "input 'x': expected 64 values per sample, got 63 (scripted)"}""", "input 'x': expected 64 values per sample, got 63 (scripted)")]
    [TestCase(500, """{"error": "model 'scripted' failed: CUDA out of memory"}""", "model 'scripted' failed: CUDA out of memory")]
    [TestCase(502, "<html>Bad gateway</html>", "<html>Bad gateway</html>")]
    public async Task An_error_answer_puts_its_text_in_the_member_reason(int status, string body, string text)
    {
        await using var failing = await ScriptedV2Server.StartAsync();
        failing.InferStatus = status;
        failing.InferBody = body;
        var ensemble = Load($"failing-{status}", failing.Url, remoteLabels: Digits, model: "scripted");

        var prediction = await ensemble.PredictAsync(_rows[0]);

        Assert.That(prediction.IsDegraded, Is.True);
        Assert.That(prediction.Members.Single(m => m.MemberId == RemoteId).Error, Is.EqualTo(
            $"RemoteModelException: remote member '{RemoteId}' (model 'scripted' at {failing.Url}/): POST {failing.Url}/v2/models/scripted/infer answered {status}: {text}"));
    }

    [TestCase("""[ { "name": "x", "datatype": "FP32", "shape": [-1, 64] } ]""", """[ { "name": "y", "datatype": "FP32", "shape": [-1, 3] } ]""",
        "the remote output 'y' FP32[-1, 3] does not fit: the member declares 10 labels, so it needs FP32[-1, 10] (one score per label)")]
    [TestCase("""[ { "name": "x", "datatype": "FP32", "shape": [-1, 32] } ]""", """[ { "name": "y", "datatype": "FP32", "shape": [-1, 10] } ]""",
        "the remote input 'x' FP32[-1, 32] does not fit: the ensemble sends FP32[-1, 64] (64 values per sample, any batch size)")]
    [TestCase("""[ { "name": "x", "datatype": "INT64", "shape": [-1, 64] } ]""", """[ { "name": "y", "datatype": "FP32", "shape": [-1, 10] } ]""",
        "the remote input 'x' INT64[-1, 64] does not fit: the ensemble sends FP32[-1, 64] (64 values per sample, any batch size)")]
    [TestCase("""[ { "name": "a", "datatype": "FP32", "shape": [-1, 64] }, { "name": "b", "datatype": "FP32", "shape": [-1, 64] } ]""",
        """[ { "name": "y", "datatype": "FP32", "shape": [-1, 10] } ]""",
        "the remote model has 2 inputs ('a' FP32[-1, 64], 'b' FP32[-1, 64]); a member sends one FP32 [batch, 64] tensor, so name it with 'input'")]
    public async Task A_remote_model_that_does_not_fit_is_left_out_at_load_with_a_clear_error(string inputs, string outputs, string problem)
    {
        await using var wrong = await ScriptedV2Server.StartAsync();
        wrong.MetadataBody = $$"""{ "name": "scripted", "platform": "onnxruntime", "inputs": {{inputs}}, "outputs": {{outputs}} }""";
        var id = $"wrong-{Guid.NewGuid():N}";

        var ensemble = Load(id, wrong.Url, remoteLabels: Digits, model: "scripted");

        Assert.That(ensemble.Members.Select(m => m.PluginId), Is.EqualTo(new[] { "digits-logreg" }));
        Assert.That(_localHost.EnsembleProblems.Where(p => p.StartsWith($"ensemble '{id}'", StringComparison.Ordinal)).Single(),
            Does.EndWith($"remote member '{RemoteId}' (model 'scripted' at {wrong.Url}/): {problem}"));
    }

    [Test]
    public async Task A_model_that_stops_fitting_after_load_fails_the_member_at_request_time()
    {
        await using var scripted = await ScriptedV2Server.StartAsync();
        scripted.MetadataStatus = 503;
        scripted.MetadataBody = """{"error": "model 'scripted' is loading"}""";
        var id = $"late-{Guid.NewGuid():N}";
        var ensemble = Load(id, scripted.Url, remoteLabels: Digits, model: "scripted");
        Assert.That(_localHost.EnsembleProblems.Single(p => p.StartsWith($"ensemble '{id}'", StringComparison.Ordinal)),
            Does.Contain("answered 503: model 'scripted' is loading (not checked at load"));

        scripted.MetadataStatus = 200;
        scripted.MetadataBody = ScriptedV2Server.DigitsMetadata.Replace("[-1, 10]", "[-1, 12]", StringComparison.Ordinal);
        var prediction = await ensemble.PredictAsync(_rows[0]);

        Assert.That(prediction.ExcludedMembers, Is.EqualTo(new[] { RemoteId }));
        Assert.That(prediction.Members.Single(m => m.MemberId == RemoteId).Error, Does.EndWith("the remote output 'y' FP32[-1, 12] does not fit: the member declares 10 labels, so it needs FP32[-1, 10] (one score per label)"));
    }

    [Test]
    public async Task The_request_uses_the_metadatas_input_name_and_the_key_goes_in_the_named_header()
    {
        await using var scripted = await ScriptedV2Server.StartAsync();
        var ensemble = Load("keyed-header", scripted.Url, remoteLabels: Digits, model: "scripted", extra: """, "apiKey": "k-987", "apiKeyHeader": "x-api-key" """);

        var prediction = await ensemble.PredictAsync(_rows[0]);

        Assert.That(prediction.IsDegraded, Is.False);
        Assert.That(scripted.LastInferHeaders!["x-api-key"], Is.EqualTo("k-987"));
        Assert.That(scripted.LastInferHeaders.ContainsKey("Authorization"), Is.False);
        var request = JsonDocument.Parse(scripted.LastInferBody!).RootElement;
        var input = request.GetProperty("inputs")[0];
        Assert.That(input.GetProperty("name").GetString(), Is.EqualTo("x"));
        Assert.That(input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 1, 64 }));
        Assert.That(input.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), Is.EqualTo(_rows[0]));
        Assert.That(request.GetProperty("outputs")[0].GetProperty("name").GetString(), Is.EqualTo("y"));

        // The scripted answer is one-hot on class 0, so the remote member's aligned row is [1, 0, ..., 0].
        Assert.That(prediction.Members.Single(m => m.MemberId == RemoteId).Scores, Is.EqualTo(new double[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public async Task A_chorus_server_with_an_api_key_answers_a_member_with_the_key_and_refuses_one_without()
    {
        await using var guarded = await LoopbackServer.StartAsync(_remoteHost, new ChorusServerOptions { ApiKey = "remote-key-42" });
        var url = guarded.Client.BaseAddress!.ToString();
        var keyed = Load("keyed", url, extra: """, "apiKey": "remote-key-42" """);
        var wrongKey = Load("wrong-key", url, extra: """, "apiKey": "not-the-key-77" """);

        var good = await keyed.PredictAsync(_rows[0]);
        var refused = await wrongKey.PredictAsync(_rows[0]);

        Assert.That(good.IsDegraded, Is.False);
        Assert.That(good.Scores, Is.EqualTo(HandFused([_rows[0]])[0]).Within(1e-6));
        Assert.That(refused.ExcludedMembers, Is.EqualTo(new[] { RemoteId }));
        var error = refused.Members.Single(m => m.MemberId == RemoteId).Error;
        Assert.That(error, Does.Contain("answered 401: this server needs an API key"));
        Assert.That(error + string.Join(" ", _localHost.EnsembleProblems), Does.Not.Contain("not-the-key-77").And.Not.Contain("remote-key-42"));
    }

    private Ensemble Load(string id, string url, string remoteLabels = MlpColumns, string model = "digits-mlp", int memberTimeoutMs = 5000, string extra = "") =>
        _localHost.LoadEnsemble(_ensembles.Write($"{id}.ensemble.json", Ensemble(id, url, remoteLabels, model, memberTimeoutMs, extra)));

    private static string Ensemble(string id, string url, string remoteLabels = MlpColumns, string model = "digits-mlp", int memberTimeoutMs = 5000, string extra = "") => $$"""
        { "id": "{{id}}", "labels": {{Digits}},
          "members": [ "digits-logreg", { "id": "{{RemoteId}}", "url": "{{url}}", "model": "{{model}}", "labels": {{remoteLabels}}, "timeoutMs": {{memberTimeoutMs}}{{extra}} } ],
          "policy": { "minMembers": 1, "memberTimeoutMs": 10000 } }
        """;

    /// <summary>A local model's scores per sample, reordered by hand to the labels "0".."9".</summary>
    private double[][] HandAligned(string pluginId, float[][] rows)
    {
        var model = _localHost.Catalog.Find(pluginId)!.Model!;
        return rows.Select(row =>
        {
            var scores = Predict(model, row);
            return Enumerable.Range(0, 10).Select(k => (double)scores[IndexOf(model.Labels, k.ToString(CultureInfo.InvariantCulture))]).ToArray();
        }).ToArray();
    }

    /// <summary>Soft voting of digits-logreg and digits-mlp with weight 1 each: the mean of their probabilities per label.</summary>
    private double[][] HandFused(float[][] rows)
    {
        var logreg = HandAligned("digits-logreg", rows);
        var mlp = HandAligned("digits-mlp", rows);
        return rows.Select((_, i) => Enumerable.Range(0, 10).Select(k => (logreg[i][k] + mlp[i][k]) / 2).ToArray()).ToArray();
    }

    private static float[] Predict(IModel model, float[] row)
    {
        var scores = new float[model.Labels.Count];
        model.Predict(row, 1, scores);
        return scores;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no label {label}");
    }

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());
}
