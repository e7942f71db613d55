using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chorus.Hosting;

namespace Chorus.Server.Tests;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text exposition format 0.0.4, with the counter names Triton uses
/// (shared/reference/serving-and-plugin-hosts.md, "Metrics": <c>nv_inference_request_success</c>,
/// <c>nv_inference_request_failure</c> with label <c>reason</c>, <c>nv_inference_count</c>; labels model and version).
/// Each test starts its own server so the counters start at zero; expected counts are the requests the test sent, and
/// the ensemble's disagreement and degraded counts come from calling the host's ensemble on the same rows.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class MetricsTests
{
    private ChorusHost _host = null!;
    private float[][] _rows = null!;

    [OneTimeSetUp]
    public void CreateHost()
    {
        _host = LoopbackServer.Host(RepositoryPaths.Plugins);
        _rows = DigitsRows.Read(4).Samples;
    }

    [OneTimeTearDown]
    public void DisposeHost() => _host.Dispose();

    [Test]
    public async Task Counters_and_histograms_count_successful_and_failing_requests()
    {
        const int Successes = 3;
        const int Failures = 2;
        await using var server = await LoopbackServer.StartAsync(_host);
        var client = server.Client;
        for (var i = 0; i < Successes; i++)
        {
            Assert.That(await InferAsync(client, "digits-logreg", "pixels", [_rows[i], _rows[i + 1]]), Is.EqualTo(HttpStatusCode.OK));
        }

        for (var i = 0; i < Failures; i++)
        {
            using var bad = new StringContent("""{"inputs":[{"name":"pixels","shape":[1,10],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10]}]}""", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("v2/models/digits-logreg/infer", UriKind.Relative), bad);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        var samples = await ScrapeAsync(client);

        const string Labels = "model=\"digits-logreg\",version=\"1.0.0\"";
        Assert.That(samples[$"nv_inference_request_success{{{Labels}}}"], Is.EqualTo(Successes));
        Assert.That(samples[$"nv_inference_request_failure{{{Labels},reason=\"OTHER\"}}"], Is.EqualTo(Failures));
        Assert.That(samples.Where(s => s.Key.StartsWith($"nv_inference_request_failure{{{Labels},", StringComparison.Ordinal)).Sum(s => s.Value), Is.EqualTo(Failures));
        Assert.That(samples[$"nv_inference_count{{{Labels}}}"], Is.EqualTo(2 * Successes), "two samples per successful request");
        Assert.That(samples[$"chorus_request_duration_seconds_count{{{Labels}}}"], Is.EqualTo(Successes + Failures), "every request is timed");
        Assert.That(samples[$"chorus_request_duration_seconds_bucket{{{Labels},le=\"+Inf\"}}"], Is.EqualTo(Successes + Failures));
        Assert.That(samples[$"chorus_compute_duration_seconds_count{{{Labels}}}"], Is.EqualTo(Successes), "the failures never reached the model");
        Assert.That(samples[$"chorus_request_duration_seconds_sum{{{Labels}}}"], Is.GreaterThan(0));

        // Buckets are cumulative: never decreasing with le.
        var buckets = samples.Where(s => s.Key.StartsWith($"chorus_request_duration_seconds_bucket{{{Labels},", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.That(buckets, Is.Ordered);

        // Models nobody called are listed at zero.
        Assert.That(samples["nv_inference_request_success{model=\"digits-mlp\",version=\"1.0.0\"}"], Is.Zero);
    }

    [Test]
    public async Task Ensembles_count_degraded_and_disagreeing_requests()
    {
        await using var server = await LoopbackServer.StartAsync(_host);
        var client = server.Client;
        var ensemble = _host.GetEnsemble("digits");

        // Every test row the members disagree on (up to 5), then 5 they agree on, each sent as its own request.
        var all = DigitsRows.Read(int.MaxValue).Samples;
        var agreements = await ensemble.PredictAsync(all.SelectMany(r => r).ToArray(), all.Length);
        float[][] rows = [.. all.Where((_, i) => agreements[i].Agreement < 1).Take(5), .. all.Where((_, i) => agreements[i].Agreement >= 1).Take(5)];
        var disagreeing = 0;
        var degraded = 0;
        foreach (var row in rows)
        {
            var expected = (await ensemble.PredictAsync(row, 1))[0];
            disagreeing += expected.Agreement < 1 ? 1 : 0;
            degraded += expected.IsDegraded ? 1 : 0;
            Assert.That(await InferAsync(client, "digits", "input", [row]), Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(disagreeing, Is.GreaterThan(0), "the test set has rows the members disagree on");

        var samples = await ScrapeAsync(client);

        const string Labels = "model=\"digits\",version=\"1\"";
        Assert.That(samples[$"nv_inference_request_success{{{Labels}}}"], Is.EqualTo(rows.Length));
        Assert.That(samples[$"chorus_compute_duration_seconds_count{{{Labels}}}"], Is.EqualTo(rows.Length));
        Assert.That(samples[$"chorus_ensemble_disagreement_requests_total{{{Labels}}}"], Is.EqualTo(disagreeing));
        Assert.That(samples[$"chorus_ensemble_degraded_requests_total{{{Labels}}}"], Is.EqualTo(degraded));
        Assert.That(samples.Keys, Has.None.StartWith("chorus_ensemble_degraded_requests_total{model=\"digits-logreg\""), "plugins are not ensembles");
        TestContext.Out.WriteLine($"{disagreeing} of {rows.Length} rows disagree, {degraded} degraded");
    }

    [Test]
    public void The_parser_rejects_what_is_not_exposition_format()
    {
        Assert.Throws<AssertionException>(() => Parse("nv_inference_request_success{model=\"a\"} 1\n"), "a sample before its TYPE");
        Assert.Throws<AssertionException>(() => Parse("# TYPE x counter\nx{model=a} 1\n"), "unquoted label value");
        Assert.That(Parse("# HELP x h\n# TYPE x counter\nx{model=\"a\"} 2\n")["x{model=\"a\"}"], Is.EqualTo(2));
    }

    private static async Task<HttpStatusCode> InferAsync(HttpClient client, string model, string input, float[][] rows)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input,
                ["shape"] = new JsonArray(rows.Length, 64),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(rows.SelectMany(r => r).Select(v => (JsonNode?)v).ToArray()),
            }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri($"v2/models/{model}/infer", UriKind.Relative), content);
        return response.StatusCode;
    }

    internal static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("metrics", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Reads the text exposition format line by line (prometheus.io "Exposition formats", text 0.0.4): '# HELP name text',
    /// '# TYPE name counter|gauge|histogram|summary|untyped', and samples 'name{label="value",...} value', each after its
    /// family's TYPE (a histogram's samples end in _bucket, _sum or _count). Returns value by 'name{labels}'.
    /// </summary>
    internal static Dictionary<string, double> Parse(string text)
    {
        Assert.That(text, Does.EndWith("\n"), "the last line ends with a line feed");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.That(comment.Success, Is.True, $"not a HELP or TYPE line: {line}");
                if (comment.Groups[1].Value == "TYPE")
                {
                    Assert.That(comment.Groups[3].Value, Is.AnyOf("counter", "gauge", "histogram", "summary", "untyped"), line);
                    Assert.That(types.TryAdd(comment.Groups[2].Value, comment.Groups[3].Value), Is.True, $"TYPE given twice: {line}");
                }

                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.That(sample.Success, Is.True, $"not a sample line: {line}");
            var name = sample.Groups[1].Value;
            var family = types.ContainsKey(name) ? name : HistogramSuffix().Replace(name, string.Empty);
            Assert.That(types.TryGetValue(family, out var type), Is.True, $"no TYPE before {line}");
            Assert.That(family == name || type == "histogram", Is.True, $"only histograms have _bucket/_sum/_count samples: {line}");
            var value = sample.Groups[3].Value;
            var number = value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.That(samples.TryAdd(name + sample.Groups[2].Value, number), Is.True, $"sample given twice: {line}");
        }

        return samples;
    }

    [GeneratedRegex("""^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
