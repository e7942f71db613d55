using System.Text.Json;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Remote;

namespace Chorus.Hosting.Tests;

/// <summary>
/// <see cref="RemoteModel"/> against a hand-written v2 server: the request it sends, the synchronous and asynchronous
/// paths, and the message for each answer that does not fit. Expected scores are the numbers in the canned answers.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class RemoteModelTests
{
    private const string Metadata = """
        { "name": "m", "inputs": [ { "name": "in0", "datatype": "FP32", "shape": [-1, 3] } ],
          "outputs": [ { "name": "label", "datatype": "BYTES", "shape": [-1] }, { "name": "probs", "datatype": "FP32", "shape": [-1, 2] } ] }
        """;

    private static readonly float[] s_samples = [1f, 2.5f, -3f, 0.125f, 7f, 8f];

    private ListenerV2Server _server = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _server = new ListenerV2Server { MetadataBody = Metadata };
        _client = new HttpClient();
    }

    [TearDown]
    public void Stop()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Test]
    public async Task Sync_and_async_calls_send_a_v2_request_and_read_nested_or_flat_data()
    {
        var model = Model(apiKey: "k1");
        _server.InferBody = """
            { "outputs": [ { "name": "label", "shape": [2], "datatype": "BYTES", "data": ["a", "b"] },
                           { "name": "probs", "shape": [2, 2], "datatype": "FP32", "data": [[0.25, 0.75], [1, 0]] } ] }
            """;

        var sync = new float[4];
        model.Predict(s_samples, 2, sync);
        var request = JsonDocument.Parse(_server.LastInferBody!).RootElement;
        _server.InferBody = """{ "outputs": [ { "name": "probs", "shape": [2, 2], "datatype": "FP64", "data": [0.5, 0.5, 0.125, 0.875] } ] }""";
        var async = new float[4];
        await model.PredictAsync(s_samples, 2, async, CancellationToken.None);

        Assert.That(sync, Is.EqualTo(new[] { 0.25f, 0.75f, 1f, 0f }));
        Assert.That(async, Is.EqualTo(new[] { 0.5f, 0.5f, 0.125f, 0.875f }));
        Assert.That(model.IsVerified, Is.True);
        Assert.That(_server.LastAuthorization, Is.EqualTo("Bearer k1"));
        var input = request.GetProperty("inputs")[0];
        Assert.That(input.GetProperty("name").GetString(), Is.EqualTo("in0"));
        Assert.That(input.GetProperty("datatype").GetString(), Is.EqualTo("FP32"));
        Assert.That(input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 2, 3 }));
        Assert.That(input.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()), Is.EqualTo(s_samples));
        Assert.That(request.GetProperty("outputs")[0].GetProperty("name").GetString(), Is.EqualTo("probs"), "the only FP32 output is the scores");
    }

    [TestCase("""{ "outputs": [ { "name": "probs", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6] } ] }""",
        "output 'probs' has shape [2, 3]; expected [2, 2] (2 sample(s) × 2 labels)")]
    [TestCase("""{ "outputs": [ { "name": "probs", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3] } ] }""",
        "output 'probs' has 3 values; shape [2, 2] needs 4")]
    [TestCase("""{ "outputs": [ { "name": "probs", "shape": [2, 2], "datatype": "FP32", "data": [1, "x", 3, 4] } ] }""",
        "value 1 of the output is \"x\", not a number")]
    [TestCase("""{ "outputs": [ { "name": "other", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4] } ] }""",
        "the response has no output 'probs'")]
    [TestCase("""{ "model_name": "m" }""", "the response has no 'outputs' array")]
    public void An_answer_that_does_not_fit_is_named(string answer, string problem)
    {
        var model = Model();
        _server.InferBody = answer;

        var ex = Assert.ThrowsAsync<RemoteModelException>(() => model.PredictAsync(s_samples, 2, new float[4], CancellationToken.None));

        Assert.That(ex!.Message, Is.EqualTo($"remote member 'r' (model 'm' at {_server.Url}): the answer from {_server.Url}v2/models/m/infer does not fit: {problem}"));
    }

    [Test]
    public void Samples_json_cannot_carry_are_refused_before_sending()
    {
        var ex = Assert.Throws<ArgumentException>(() => Model().Predict(new[] { 1f, float.NaN, 3f }, 1, new float[2]));

        Assert.That(ex!.Message, Does.StartWith("remote member 'r' (model 'm' at " + _server.Url + "): the samples hold NaN, which JSON cannot carry"));
        Assert.That(_server.LastInferBody, Is.Null);
    }

    [Test]
    public void The_check_names_a_mismatch_as_such()
    {
        _server.MetadataBody = Metadata.Replace("[-1, 3]", "[-1, 4]", StringComparison.Ordinal);

        var problem = Model().Check(TimeSpan.FromSeconds(5), out var mismatch);

        Assert.That(mismatch, Is.True);
        Assert.That(problem, Is.EqualTo($"remote member 'r' (model 'm' at {_server.Url}): the remote input 'in0' FP32[-1, 4] does not fit: the ensemble sends FP32[-1, 3] (3 values per sample, any batch size)"));
    }

    private RemoteModel Model(string? apiKey = null) =>
        new("r", new RemoteMember(new Uri(_server.Url), "m", null, ["x", "y"], null, null, null, apiKey, RemoteMember.DefaultApiKeyHeader), _client, 3);
}
