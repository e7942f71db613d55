using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Hosting;

namespace Chorus.Server.Tests;

/// <summary>
/// The v2 protocol over a real Kestrel server on 127.0.0.1 (port 0) serving the repository's plugins/ folder. Expected
/// shapes and status codes come from the protocol text in shared/reference/serving-and-plugin-hosts.md, section
/// "(b) Open Inference Protocol (KServe V2) REST" (the table, "Shapes", "Data layout") and Triton's status mapping
/// under "Other extensions worth copying"; expected numbers come from calling the host directly on the same input.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class OpenInferenceProtocolTests
{
    private const string ApiKey = "test-key-123";
    private static readonly string[] s_digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private ChorusHost _host = null!;
    private LoopbackServer _server = null!;
    private LoopbackServer _guarded = null!;
    private HttpClient _client = null!;
    private HttpClient _guardedClient = null!;
    private float[][] _rows = null!;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        _host = LoopbackServer.Host(RepositoryPaths.Plugins);
        _rows = DigitsRows.Read(4).Samples;

        _server = await LoopbackServer.StartAsync(_host);
        _client = _server.Client;

        // A second server over the same host with an API key and small limits.
        _guarded = await LoopbackServer.StartAsync(_host, new ChorusServerOptions
        {
            ApiKey = ApiKey,
            MaxRequestBodyBytes = 64 * 1024,
            MaxTensorElements = 1024,
        });
        _guardedClient = _guarded.Client;
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await _server.DisposeAsync();
        await _guarded.DisposeAsync();
        _host.Dispose();
    }

    // ---- Server metadata and health: reference §(b) table rows "Server live", "Server ready", "Server metadata".

    [Test]
    public async Task Server_metadata_names_chorus_and_its_version()
    {
        var (status, body) = await SendAsync(_client, HttpMethod.Get, "v2");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body!.Value.GetProperty("name").GetString(), Is.EqualTo("chorus"));
        Assert.That(body.Value.GetProperty("version").GetString(), Is.Not.Empty);
        Assert.That(body.Value.GetProperty("extensions").ValueKind, Is.EqualTo(JsonValueKind.Array));
    }

    [TestCase("v2/health/live")]
    [TestCase("v2/health/ready")]
    public async Task Health_is_200_with_an_empty_body(string path)
    {
        // "Health body discrepancy": 200 = true, body empty (Triton's behaviour).
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
    }

    // ---- Model metadata and readiness: reference §(b) "$metadata_model_response", "$metadata_tensor" (-1 = variable dim).

    [TestCase("v2/models/digits-logreg")]
    [TestCase("v2/models/digits-logreg/versions/1.0.0")]
    public async Task Model_metadata_describes_the_plugin(string path)
    {
        var (status, body) = await SendAsync(_client, HttpMethod.Get, path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var expected = JsonNode.Parse("""
            { "name": "digits-logreg", "versions": ["1.0.0"], "platform": "onnxruntime",
              "inputs": [ { "name": "pixels", "datatype": "FP32", "shape": [-1, 64] } ],
              "outputs": [ { "name": "scores", "datatype": "FP32", "shape": [-1, 10] } ] }
            """);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(body!.Value.GetRawText()), expected), Is.True, body.Value.GetRawText());
    }

    [Test]
    public async Task Model_metadata_describes_the_ensemble()
    {
        var (status, body) = await SendAsync(_client, HttpMethod.Get, "v2/models/digits");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        // Members name their input differently (pixels / image), so the ensemble's input is "input".
        var expected = JsonNode.Parse("""
            { "name": "digits", "versions": ["1"], "platform": "chorus-ensemble",
              "inputs": [ { "name": "input", "datatype": "FP32", "shape": [-1, 64] } ],
              "outputs": [ { "name": "scores", "datatype": "FP32", "shape": [-1, 10] },
                           { "name": "label", "datatype": "BYTES", "shape": [-1] } ] }
            """);
        Assert.That(JsonNode.DeepEquals(JsonNode.Parse(body!.Value.GetRawText()), expected), Is.True, body.Value.GetRawText());
    }

    [TestCase("v2/models/digits-logreg/ready", HttpStatusCode.OK)]
    [TestCase("v2/models/digits-logreg/versions/1.0.0/ready", HttpStatusCode.OK)]
    [TestCase("v2/models/digits/ready", HttpStatusCode.OK)]
    [TestCase("v2/models/no-such-model/ready", HttpStatusCode.NotFound)]
    [TestCase("v2/models/digits-logreg/versions/9/ready", HttpStatusCode.NotFound)]
    public async Task Model_ready(string path, HttpStatusCode expected)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    // ---- Inference: reference §(b) "$inference_request" / "$inference_response", "Data layout" (flat ≡ nested, row-major).

    [Test]
    public async Task Infer_on_a_model_with_one_flat_row_returns_the_models_scores()
    {
        var request = new JsonObject
        {
            ["id"] = "req-1",
            ["inputs"] = new JsonArray(Input("pixels", "FP32", [1, 64], new JsonArray(_rows[0].Select(v => (JsonNode?)v).ToArray()))),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits-logreg/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(body!.Value.GetProperty("model_name").GetString(), Is.EqualTo("digits-logreg"));
        Assert.That(body.Value.GetProperty("id").GetString(), Is.EqualTo("req-1"));
        var scores = Output(body.Value, "scores");
        Assert.That(scores.GetProperty("datatype").GetString(), Is.EqualTo("FP32"));
        Assert.That(Shape(scores), Is.EqualTo(new[] { 1, 10 }));
        Assert.That(Floats(scores), Is.EqualTo(Predict("digits-logreg", _rows[0])));
    }

    [Test]
    public async Task Infer_on_a_model_with_two_nested_rows_returns_a_row_per_sample()
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(Input("pixels", "FP32", [2, 64], new JsonArray(Row(_rows[0]), Row(_rows[1])))),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits-logreg/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(body!.Value.TryGetProperty("id", out _), Is.False, "no id in the request, none echoed");
        var scores = Output(body.Value, "scores");
        Assert.That(Shape(scores), Is.EqualTo(new[] { 2, 10 }));
        Assert.That(Floats(scores), Is.EqualTo(Predict("digits-logreg", [.. _rows[0], .. _rows[1]])));
    }

    [TestCase("INT64")]
    [TestCase("INT32")]
    [TestCase("UINT8")]
    [TestCase("FP64")]
    public async Task Integer_and_double_inputs_are_converted_to_fp32(string datatype)
    {
        // The digits pixels are integers 0..16, so every datatype carries them exactly.
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(Input("pixels", datatype, [1, 64], new JsonArray(_rows[1].Select(v => (JsonNode?)(int)v).ToArray()))),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits-logreg/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(Floats(Output(body!.Value, "scores")), Is.EqualTo(Predict("digits-logreg", _rows[1])));
    }

    [Test]
    public async Task Infer_on_the_ensemble_returns_the_fused_decision()
    {
        var ensemble = _host.GetEnsemble("digits");
        float[] samples = [.. _rows[0], .. _rows[1], .. _rows[2]];
        var expected = await ensemble.PredictAsync(samples, 3);
        var request = new JsonObject
        {
            ["id"] = "e1",
            ["inputs"] = new JsonArray(Input("input", "FP32", [3, 64], new JsonArray(samples.Select(v => (JsonNode?)v).ToArray()))),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(body!.Value.GetProperty("model_name").GetString(), Is.EqualTo("digits"));
        var label = Output(body.Value, "label");
        Assert.That(label.GetProperty("datatype").GetString(), Is.EqualTo("BYTES"));
        Assert.That(Shape(label), Is.EqualTo(new[] { 3 }));
        Assert.That(label.GetProperty("data").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(expected.Select(p => p.Label)));
        var scores = Output(body.Value, "scores");
        Assert.That(Shape(scores), Is.EqualTo(new[] { 3, 10 }));
        Assert.That(Floats(scores), Is.EqualTo(expected.SelectMany(p => p.Scores).Select(s => (float)s)).Within(1e-5f));
        Assert.That(body.Value.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()), Has.None.StartsWith("member:"),
            "member scores only when asked");
        var parameters = body.Value.GetProperty("parameters");
        Assert.That(parameters.GetProperty("agreement").GetDouble(), Is.EqualTo(expected.Min(p => p.Agreement)).Within(1e-9));
        Assert.That(parameters.GetProperty("degraded").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Infer_on_the_ensemble_returns_member_scores_when_asked()
    {
        var ensemble = _host.GetEnsemble("digits");
        var expected = await ensemble.PredictAsync(_rows[3], 1);
        var request = new JsonObject
        {
            ["parameters"] = new JsonObject { ["member_scores"] = true },
            ["inputs"] = new JsonArray(Input("input", "FP32", [1, 64], Row(_rows[3]))),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(Output(body!.Value, "label").GetProperty("data")[0].GetString(), Is.EqualTo(expected[0].Label));
        foreach (var member in expected[0].Members)
        {
            var output = Output(body.Value, "member:" + member.MemberId);
            Assert.That(Shape(output), Is.EqualTo(new[] { 1, 10 }));
            Assert.That(Floats(output), Is.EqualTo(member.Scores!.Select(s => (float)s)).Within(1e-5f), member.MemberId);
        }
    }

    [Test]
    public async Task Requested_outputs_limit_the_response()
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(Input("input", "FP32", [1, 64], Row(_rows[0]))),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "label" }),
        };

        var (status, body) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits/infer", request.ToJsonString());

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.GetRawText());
        Assert.That(body!.Value.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()), Is.EqualTo(new[] { "label" }));
    }

    // ---- Errors: reference §(b) "$error = {"error": str}"; Triton's mapping NOT_FOUND→404, UNAVAILABLE→503, everything else→400.

    [TestCase("{\"inputs\": [", "not valid JSON", TestName = "Malformed JSON")]
    [TestCase("[1, 2, 3]", "JSON object", TestName = "Body not an object")]
    [TestCase("{}", "'inputs'", TestName = "No inputs")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"BOOL","data":[true]}]}""", "datatype 'BOOL'", TestName = "Unsupported datatype")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FLOAT","data":[1]}]}""", "datatype 'FLOAT'", TestName = "Unknown datatype")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[2,64],"datatype":"FP32","data":[1,2,3]}]}""", "128 element(s) but 'data' has 3", TestName = "Shape and data disagree")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,10],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10]}]}""", "takes 64 values per sample", TestName = "Wrong sample size")]
    [TestCase("""{"inputs":[{"name":"wrong","shape":[1,64],"datatype":"FP32","data":[1]}]}""", "no input 'wrong'", TestName = "Unknown input name")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"UINT8","data":[300]}]}""", "not a valid UINT8", TestName = "Value out of datatype range")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","data":["a"]}]}""", "not a FP32 number", TestName = "String element")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","data":[1]}],"outputs":[{"name":"nope"}]}""", "no output 'nope'", TestName = "Unknown output")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[100000000000,64],"datatype":"FP32","data":[1]}]}""", "at most", TestName = "Too many elements")]
    public async Task Bad_requests_get_400_with_an_error_and_the_server_keeps_serving(string body, string message)
    {
        var (status, error) = await SendAsync(_client, HttpMethod.Post, "v2/models/digits-logreg/infer", body);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain(message));
        await AssertStillServesAsync(_client);
    }

    [TestCase("v2/models/no-such-model/infer", HttpStatusCode.NotFound, "no model 'no-such-model'")]
    [TestCase("v2/models/digits-logreg/versions/7/infer", HttpStatusCode.NotFound, "no version '7'")]
    [TestCase("v2/models/digits-logreg..%2F..%2Fetc/infer", HttpStatusCode.BadRequest, "model name may hold only")]
    [TestCase("v2/models/..digits-logreg/infer", HttpStatusCode.BadRequest, "model name may hold only")]
    [TestCase("v2/models/a%20b/infer", HttpStatusCode.BadRequest, "model name may hold only")]
    [TestCase("v2/nothing-here", HttpStatusCode.NotFound, "no endpoint")]
    public async Task Bad_model_paths_get_an_error_and_the_server_keeps_serving(string path, HttpStatusCode expected, string message)
    {
        var valid = new JsonObject { ["inputs"] = new JsonArray(Input("pixels", "FP32", [1, 64], Row(_rows[0]))) };

        var (status, error) = await SendAsync(_client, HttpMethod.Post, path, valid.ToJsonString());

        Assert.That(status, Is.EqualTo(expected));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain(message));
        await AssertStillServesAsync(_client);
    }

    [Test]
    public async Task Unknown_model_metadata_is_404()
    {
        var (status, error) = await SendAsync(_client, HttpMethod.Get, "v2/models/no-such-model");

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("digits-logreg"), "the error lists the served models");
    }

    [Test]
    public async Task A_body_over_the_limit_gets_413()
    {
        // 64 KiB limit on the guarded server; pad a valid request with whitespace past it.
        var valid = new JsonObject { ["inputs"] = new JsonArray(Input("pixels", "FP32", [1, 64], Row(_rows[0]))) }.ToJsonString();

        var (status, error) = await SendAsync(_guardedClient, HttpMethod.Post, "v2/models/digits-logreg/infer", valid + new string(' ', 70 * 1024), ApiKey);

        Assert.That(status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("larger than the server's limit"));
        await AssertStillServesAsync(_guardedClient, ApiKey);
    }

    [Test]
    public async Task A_tensor_over_the_element_limit_gets_400()
    {
        // 1024 elements on the guarded server: 17 samples of 64 is 1088.
        var request = new JsonObject { ["inputs"] = new JsonArray(Input("pixels", "FP32", [17, 64], new JsonArray(Enumerable.Range(0, 17 * 64).Select(_ => (JsonNode?)0).ToArray()))) };

        var (status, error) = await SendAsync(_guardedClient, HttpMethod.Post, "v2/models/digits-logreg/infer", request.ToJsonString(), ApiKey);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("at most 1024"));
        await AssertStillServesAsync(_guardedClient, ApiKey);
    }

    [TestCase(null)]
    [TestCase("wrong-key")]
    public async Task Without_the_api_key_requests_get_401(string? key)
    {
        var (status, error) = await SendAsync(_guardedClient, HttpMethod.Get, "v2/models/digits-logreg", apiKey: key);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error!.Value.GetProperty("error").GetString(), Does.Contain("API key"));
        await AssertStillServesAsync(_guardedClient, ApiKey);
    }

    [Test]
    public async Task The_api_key_is_accepted_as_bearer_token_or_x_api_key_and_health_needs_none()
    {
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "v2");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var viaBearer = await _guardedClient.SendAsync(bearer);
        using var health = await _guardedClient.GetAsync(new Uri("v2/health/ready", UriKind.Relative));
        var (status, _) = await SendAsync(_guardedClient, HttpMethod.Get, "v2", apiKey: ApiKey);

        Assert.That(viaBearer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private float[] Predict(string pluginId, float[] samples)
    {
        var model = _host.Catalog.FindModel(pluginId)!;
        var batch = samples.Length / model.SampleSize;
        var scores = new float[batch * model.Labels.Count];
        model.Predict(samples, batch, scores);
        Assert.That(model.Labels, Is.EqualTo(s_digits));
        return scores;
    }

    private async Task AssertStillServesAsync(HttpClient client, string? apiKey = null)
    {
        var valid = new JsonObject { ["inputs"] = new JsonArray(Input("pixels", "FP32", [1, 64], Row(_rows[0]))) };
        var (status, body) = await SendAsync(client, HttpMethod.Post, "v2/models/digits-logreg/infer", valid.ToJsonString(), apiKey);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "a valid request after the error: " + body?.GetRawText());
    }

    private static JsonObject Input(string name, string datatype, int[] shape, JsonArray data) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
        ["datatype"] = datatype,
        ["data"] = data,
    };

    private static JsonArray Row(float[] values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static JsonElement Output(JsonElement response, string name) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    private static int[] Shape(JsonElement output) => output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();

    private static float[] Floats(JsonElement output) => output.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();

    private static async Task<(HttpStatusCode Status, JsonElement? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");

            // HTTP's way to post a body the server may refuse: send the headers, wait for 100 Continue, and take a 413
            // without sending the body. Without it the server may answer and close while the client is still sending,
            // and the client sees a reset instead of the 413 (a race seen once in CI).
            request.Headers.ExpectContinue = true;
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return (response.StatusCode, null);
        }

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
