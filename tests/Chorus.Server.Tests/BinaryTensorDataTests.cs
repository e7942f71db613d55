using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Hosting;

namespace Chorus.Server.Tests;

/// <summary>
/// The binary tensor data extension, as shared/reference/serving-and-plugin-hosts.md describes it under "Binary tensor
/// extension": the JSON header, then each tensor's raw little-endian bytes in JSON order; the
/// <c>Inference-Header-Content-Length</c> header gives the JSON length; inputs carry <c>parameters.binary_data_size</c>;
/// outputs are asked for with <c>binary_data</c> per output or <c>binary_data_output</c> on the request; raw mode is
/// header 0 with one input's bytes. Expected numbers come from the same request sent as JSON and from the host directly.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class BinaryTensorDataTests
{
    private const string HeaderLength = "Inference-Header-Content-Length";

    private ChorusHost _host = null!;
    private LoopbackServer _server = null!;
    private HttpClient _client = null!;
    private float[][] _rows = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _host = LoopbackServer.Host(RepositoryPaths.Plugins);
        _rows = DigitsRows.Read(2).Samples;
        _server = await LoopbackServer.StartAsync(_host);
        _client = _server.Client;
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _host.Dispose();
    }

    [Test]
    public async Task The_server_lists_the_binary_tensor_data_extension()
    {
        using var response = await _client.GetAsync(new Uri("v2", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(body.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()), Does.Contain("binary_tensor_data"));
    }

    [Test]
    public async Task An_fp32_binary_request_gives_the_same_scores_as_the_json_one()
    {
        float[] samples = [.. _rows[0], .. _rows[1]];
        var json = await PostJsonAsync("digits-logreg", "pixels", samples, 2);
        var header = $$$"""{"inputs":[{"name":"pixels","shape":[2,64],"datatype":"FP32","parameters":{"binary_data_size":{{{samples.Length * 4}}}}}]}""";

        var (status, contentType, jsonHeader, _) = await PostBinaryAsync("digits-logreg", header, Fp32(samples));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), jsonHeader.GetRawText());
        Assert.That(contentType, Is.EqualTo("application/json"), "no binary output asked for, so a plain JSON answer");
        Assert.That(Floats(Output(jsonHeader, "scores")), Is.EqualTo(Floats(Output(json, "scores"))));
        Assert.That(Floats(Output(jsonHeader, "scores")), Is.EqualTo(Predict("digits-logreg", samples)));
    }

    [TestCase("INT64", 8)]
    [TestCase("INT32", 4)]
    [TestCase("UINT8", 1)]
    [TestCase("FP64", 8)]
    public async Task Other_binary_datatypes_are_read_little_endian(string datatype, int width)
    {
        // Digits pixels are integers 0..16, exact in every datatype.
        var bytes = new byte[64 * width];
        for (var i = 0; i < 64; i++)
        {
            var slot = bytes.AsSpan(i * width, width);
            var value = (int)_rows[1][i];
            switch (datatype)
            {
                case "INT64": BinaryPrimitives.WriteInt64LittleEndian(slot, value); break;
                case "INT32": BinaryPrimitives.WriteInt32LittleEndian(slot, value); break;
                case "UINT8": slot[0] = (byte)value; break;
                default: BinaryPrimitives.WriteDoubleLittleEndian(slot, value); break;
            }
        }

        var header = $$$"""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"{{{datatype}}}","parameters":{"binary_data_size":{{{bytes.Length}}}}}]}""";

        var (status, _, json, _) = await PostBinaryAsync("digits-logreg", header, bytes);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), json.GetRawText());
        Assert.That(Floats(Output(json, "scores")), Is.EqualTo(Predict("digits-logreg", _rows[1])));
    }

    [Test]
    public async Task Binary_data_output_returns_every_output_as_binary_after_the_json()
    {
        float[] samples = [.. _rows[0], .. _rows[1]];
        var expected = await PostJsonAsync("digits", "input", samples, 2);
        var header = """{"parameters":{"binary_data_output":true},"inputs":[{"name":"input","shape":[2,64],"datatype":"FP32","parameters":{"binary_data_size":512}}]}""";

        var (status, contentType, json, binary) = await PostBinaryAsync("digits", header, Fp32(samples));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), json.GetRawText());
        Assert.That(contentType, Is.EqualTo("application/octet-stream"));
        var scores = Output(json, "scores");
        var label = Output(json, "label");
        Assert.That(scores.TryGetProperty("data", out _), Is.False);
        Assert.That(scores.GetProperty("parameters").GetProperty("binary_data_size").GetInt32(), Is.EqualTo(2 * 10 * 4));

        // Outputs in JSON order: scores (FP32, little-endian), then label (BYTES: 4-byte length + UTF-8 per element).
        var decoded = Enumerable.Range(0, 20).Select(i => BinaryPrimitives.ReadSingleLittleEndian(binary.AsSpan(i * 4, 4))).ToArray();
        Assert.That(decoded, Is.EqualTo(Floats(Output(expected, "scores"))));
        var labelBytes = binary.AsSpan(80);
        Assert.That(label.GetProperty("parameters").GetProperty("binary_data_size").GetInt32(), Is.EqualTo(labelBytes.Length));
        var labels = new List<string>();
        for (var offset = 0; offset < labelBytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(labelBytes[offset..]);
            labels.Add(Encoding.UTF8.GetString(labelBytes.Slice(offset + 4, length)));
            offset += 4 + length;
        }

        Assert.That(labels, Is.EqualTo(Output(expected, "label").GetProperty("data").EnumerateArray().Select(e => e.GetString())));
    }

    [Test]
    public async Task Binary_data_on_one_output_makes_only_that_output_binary_even_for_a_json_request()
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "input", ["shape"] = new JsonArray(1, 64), ["datatype"] = "FP32",
                ["data"] = new JsonArray(_rows[0].Select(v => (JsonNode?)v).ToArray()),
            }),
            ["outputs"] = new JsonArray(
                new JsonObject { ["name"] = "scores", ["parameters"] = new JsonObject { ["binary_data"] = true } },
                new JsonObject { ["name"] = "label" }),
        };
        var expected = await PostJsonAsync("digits", "input", _rows[0], 1);

        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("v2/models/digits/infer", UriKind.Relative))
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var (status, _, json, binary) = await ReadAsync(await _client.SendAsync(message));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), json.GetRawText());
        Assert.That(binary, Has.Length.EqualTo(40));
        Assert.That(Enumerable.Range(0, 10).Select(i => BinaryPrimitives.ReadSingleLittleEndian(binary.AsSpan(i * 4))), Is.EqualTo(Floats(Output(expected, "scores"))));
        Assert.That(Output(json, "label").GetProperty("data")[0].GetString(), Is.EqualTo(Output(expected, "label").GetProperty("data")[0].GetString()));
    }

    [Test]
    public async Task Raw_mode_takes_one_sample_with_no_json()
    {
        var (status, _, json, _) = await PostBinaryAsync("digits-logreg", string.Empty, Fp32(_rows[0]));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), json.GetRawText());
        Assert.That(Shape(Output(json, "scores")), Is.EqualTo(new[] { 1, 10 }));
        Assert.That(Floats(Output(json, "scores")), Is.EqualTo(Predict("digits-logreg", _rows[0])));
    }

    private const string Good = """{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","parameters":{"binary_data_size":256}}]}""";

    [TestCase(Good, 0, "missing", "no 'Inference-Header-Content-Length' header", TestName = "binary_data_size without the header")]
    [TestCase(Good, 256, "none-octet", "needs the 'Inference-Header-Content-Length' header", TestName = "octet-stream without the header")]
    [TestCase(Good, 256, "100000", "is 100000 bytes but the whole body is only", TestName = "Header larger than the body")]
    [TestCase(Good, 256, "abc", "must be one non-negative integer", TestName = "Header not a number")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","parameters":{"binary_data_size":128}}]}""", 128, null,
        "'binary_data_size' is 128 bytes but FP32 with the shape's 64 element(s) takes 256", TestName = "binary_data_size not the tensor's size")]
    [TestCase(Good, 260, null, "is 260 bytes but the inputs' 'binary_data_size' add up to 256", TestName = "Sizes not adding up to the body")]
    [TestCase(Good, 200, null, "is 200 bytes but the inputs' 'binary_data_size' add up to 256", TestName = "Body shorter than the sizes")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","data":[1]}]}""", 16, null,
        "16 bytes of binary tensor data after the JSON header but no input has 'binary_data_size'", TestName = "Binary bytes but no binary input")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":256}}]}""", 256, null,
        "both 'data' and parameter 'binary_data_size'", TestName = "Both data and binary_data_size")]
    [TestCase("""{"inputs":[{"name":"pixels","shape":[1,64],"datatype":"FP32","parameters":{"binary_data_size":-4}}]}""", 256, null,
        "must be a non-negative integer", TestName = "Negative binary_data_size")]
    [TestCase("", 100, null, "takes one FP32 sample of 64 values (256 bytes); the body has 100", TestName = "Raw mode with the wrong length")]
    public async Task Malformed_binary_requests_get_400_and_the_server_keeps_serving(string header, int binaryBytes, string? headerOverride, string message)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var body = new byte[headerBytes.Length + binaryBytes];
        headerBytes.CopyTo(body, 0);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v2/models/digits-logreg/infer", UriKind.Relative))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(headerOverride == "none-octet" ? "application/octet-stream" : "application/json");
        if (headerOverride is null)
        {
            request.Headers.Add(HeaderLength, headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (headerOverride is not ("missing" or "none-octet"))
        {
            request.Headers.TryAddWithoutValidation(HeaderLength, headerOverride);
        }

        var (status, _, json, _) = await ReadAsync(await _client.SendAsync(request));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), json.GetRawText());
        Assert.That(json.GetProperty("error").GetString(), Does.Contain(message));
        var (after, _, again, _) = await PostBinaryAsync("digits-logreg", Good, Fp32(_rows[0]));
        Assert.That(after, Is.EqualTo(HttpStatusCode.OK), "a valid binary request after the error: " + again.GetRawText());
    }

    private static byte[] Fp32(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private float[] Predict(string pluginId, float[] samples)
    {
        var model = _host.Catalog.FindModel(pluginId)!;
        var batch = samples.Length / model.SampleSize;
        var scores = new float[batch * model.Labels.Count];
        model.Predict(samples, batch, scores);
        return scores;
    }

    private async Task<JsonElement> PostJsonAsync(string model, string input, float[] samples, int batch)
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = input, ["shape"] = new JsonArray(batch, 64), ["datatype"] = "FP32",
                ["data"] = new JsonArray(samples.Select(v => (JsonNode?)v).ToArray()),
            }),
        };
        using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri($"v2/models/{model}/infer", UriKind.Relative), content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Json, byte[] Binary)> PostBinaryAsync(string model, string header, byte[] binary)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v2/models/{model}/infer", UriKind.Relative))
        {
            Content = new ByteArrayContent([.. headerBytes, .. binary]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(HeaderLength, headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await ReadAsync(await _client.SendAsync(request));
    }

    /// <summary>Splits a response into its JSON header and the binary data after it (none without the header).</summary>
    private static async Task<(HttpStatusCode Status, string? ContentType, JsonElement Json, byte[] Binary)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var jsonLength = bytes.Length;
            if (response.Headers.TryGetValues(HeaderLength, out var values))
            {
                jsonLength = int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture);
            }

            var json = JsonDocument.Parse(bytes.AsMemory(0, jsonLength)).RootElement.Clone();
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, json, bytes[jsonLength..]);
        }
    }

    private static JsonElement Output(JsonElement response, string name) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    private static int[] Shape(JsonElement output) => output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();

    private static float[] Floats(JsonElement output) => output.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();
}
