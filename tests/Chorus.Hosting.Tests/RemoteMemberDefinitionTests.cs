using Chorus.Hosting.Ensembles;

namespace Chorus.Hosting.Tests;

/// <summary>Remote members in ensemble files (docs/hosting.md, "Remote members"): what a valid entry gives, and each rule's message.</summary>
[TestFixture]
public sealed class RemoteMemberDefinitionTests
{
    private const string Labels = """["a", "b", "c"]""";
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void A_remote_member_reads_with_every_field()
    {
        var definition = Load($$"""
            { "id": "e", "labels": {{Labels}},
              "members": [ "local",
                { "id": "far", "url": "https://gpu-box:8443/serving", "model": "digits-mlp", "version": "3", "labels": ["c", "b", "a"],
                  "input": "pixels", "output": "probabilities", "sampleSize": 64, "apiKey": "s3cret", "apiKeyHeader": "x-api-key",
                  "weight": 2, "timeoutMs": 750 } ] }
            """);

        var member = definition.Members[1];
        Assert.That(member.PluginId, Is.EqualTo("far"));
        Assert.That(member.Weight, Is.EqualTo(2));
        Assert.That(member.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(750)));
        var remote = member.Remote!;
        Assert.That(remote.ServerUrl, Is.EqualTo(new Uri("https://gpu-box:8443/serving/")));
        Assert.That(remote.ModelUrl, Is.EqualTo(new Uri("https://gpu-box:8443/serving/v2/models/digits-mlp/versions/3")));
        Assert.That(remote.InferUrl, Is.EqualTo(new Uri("https://gpu-box:8443/serving/v2/models/digits-mlp/versions/3/infer")));
        Assert.That(remote.Model, Is.EqualTo("digits-mlp"));
        Assert.That(remote.Version, Is.EqualTo("3"));
        Assert.That(remote.Labels, Is.EqualTo(new[] { "c", "b", "a" }));
        Assert.That(remote.InputName, Is.EqualTo("pixels"));
        Assert.That(remote.OutputName, Is.EqualTo("probabilities"));
        Assert.That(remote.SampleSize, Is.EqualTo(64));
        Assert.That(remote.HasApiKey, Is.True);
        Assert.That(remote.ApiKey, Is.EqualTo("s3cret"));
        Assert.That(remote.ApiKeyHeader, Is.EqualTo("x-api-key"));
        Assert.That(definition.Members[0], Is.EqualTo(new EnsembleMember("local")));
    }

    [Test]
    public void Defaults_the_member_id_to_the_model_and_leave_the_rest_unset()
    {
        var member = Load($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://127.0.0.1:8000", "model": "m", "labels": {{Labels}} } ] }""").Members[0];

        Assert.That(member.PluginId, Is.EqualTo("m"));
        Assert.That(member.Weight, Is.EqualTo(1));
        Assert.That(member.Timeout, Is.Null);
        Assert.That(member.Remote!.ModelUrl, Is.EqualTo(new Uri("http://127.0.0.1:8000/v2/models/m")));
        Assert.That(member.Remote.Version, Is.Null);
        Assert.That(member.Remote.InputName, Is.Null);
        Assert.That(member.Remote.OutputName, Is.Null);
        Assert.That(member.Remote.SampleSize, Is.Null);
        Assert.That(member.Remote.HasApiKey, Is.False);
        Assert.That(member.Remote.ApiKeyHeader, Is.EqualTo("Authorization"));
    }

    [Test]
    public void The_api_key_can_come_from_the_environment_and_never_shows_in_text()
    {
        var variable = "CHORUS_TEST_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env-key");
        try
        {
            var member = Load($$"""
                { "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://h:1", "model": "m", "labels": {{Labels}}, "apiKeyEnv": "{{variable}}" } ] }
                """).Members[0];

            Assert.That(member.Remote!.ApiKey, Is.EqualTo("from-env-key"));
            Assert.That(member.ToString(), Does.Not.Contain("from-env-key"));
            Assert.That(member.Remote.ToString(), Is.EqualTo("model 'm' at http://h:1/"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [TestCase("ftp://h/", "members[0] (remote) has url 'ftp://h/'; it must be an absolute http:// or https:// URL such as \"http://gpu-box:8000\"")]
    [TestCase("gpu-box:8000", "members[0] (remote) has url 'gpu-box:8000'; it must be an absolute http:// or https:// URL such as \"http://gpu-box:8000\"")]
    [TestCase("/v2/models", "members[0] (remote) has url '/v2/models'; it must be an absolute http:// or https:// URL such as \"http://gpu-box:8000\"")]
    [TestCase("", "members[0] (remote) needs 'url', the remote server's base URL (e.g. \"http://gpu-box:8000\")")]
    [TestCase("http://user:pw@h:1", "members[0] (remote) has a user name or password in its url; put the key in 'apiKey' or 'apiKeyEnv' instead")]
    [TestCase("http://h:1/?x=1", "members[0] (remote) has url 'http://h:1/?x=1' with a query or fragment; give the server's base URL only")]
    public void A_bad_url_is_named(string url, string problem)
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": "{{url}}", "model": "m", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void A_url_that_is_not_a_string_is_named()
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": 8000, "model": "m", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[]
            {
                "members[0] (remote) has 'url' 8000; it must be a string",
                "members[0] (remote) needs 'url', the remote server's base URL (e.g. \"http://gpu-box:8000\")",
            }));
    }

    [Test]
    public void A_missing_model_name_is_named()
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://h:1", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { "members[0] (remote) needs 'model', the model's name on the remote server" }));
    }

    [TestCase("../etc")]
    [TestCase("a/b")]
    [TestCase(".hidden")]
    [TestCase("has space")]
    public void An_invalid_model_name_is_named(string model)
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://h:1", "model": "{{model}}", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { $"members[0] (remote) has model '{model}'; a model name holds only letters, digits, '.', '_' and '-' (no '..'), up to 128 characters" }));
    }

    [Test]
    public void An_invalid_version_is_named()
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://h:1", "model": "m", "version": "1/2", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { "members[0] (remote) has version '1/2'; a version holds only letters, digits, '.', '_' and '-'" }));
    }

    [Test]
    public void Labels_are_required_for_a_remote_member_and_must_be_distinct()
    {
        Assert.That(Problems($$"""
            { "id": "e", "labels": {{Labels}}, "members": [ { "url": "http://h:1", "model": "m" }, { "url": "http://h:1", "model": "n", "labels": ["a", "a"] } ] }
            """), Is.EqualTo(new[]
        {
            "members[0] (remote) needs 'labels': the remote output's column labels in column order (v2 metadata has none)",
            "members[1] (remote) lists a label more than once in 'labels'",
        }));
    }

    [Test]
    public void Plugin_and_url_together_are_refused()
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "plugin": "p", "url": "http://h:1", "model": "m", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { "members[0] gives both 'plugin' (a local member) and 'url' (a remote member); keep one" }));
    }

    [Test]
    public void Bad_numbers_and_key_settings_are_named_without_showing_the_key()
    {
        var problems = Problems($$"""
            { "id": "e", "labels": {{Labels}}, "members": [
              { "url": "http://h:1", "model": "m", "labels": {{Labels}}, "sampleSize": 0 },
              { "url": "http://h:1", "model": "n", "labels": {{Labels}}, "apiKey": 12345 },
              { "url": "http://h:1", "model": "o", "labels": {{Labels}}, "apiKey": "k", "apiKeyEnv": "K" },
              { "url": "http://h:1", "model": "p", "labels": {{Labels}}, "apiKeyEnv": "CHORUS_TEST_UNSET_{{Guid.NewGuid():N}}" },
              { "url": "http://h:1", "model": "q", "labels": {{Labels}}, "apiKeyHeader": "x api key" },
              { "url": "http://h:1", "model": "r", "labels": {{Labels}}, "timeoutMs": 0 },
              { "url": "http://h:1", "model": "s", "labels": {{Labels}}, "id": "bad id" } ] }
            """);

        Assert.That(problems, Has.Count.EqualTo(7));
        Assert.That(problems[0], Is.EqualTo("members[0] (remote) has 'sampleSize' 0; it must be a positive whole number"));
        Assert.That(problems[1], Is.EqualTo("members[1] (remote) has 'apiKey' (value not shown); it must be a string"));
        Assert.That(problems[2], Is.EqualTo("members[2] (remote) gives both 'apiKey' and 'apiKeyEnv'; keep one"));
        Assert.That(problems[3], Does.StartWith("members[3] (remote) reads its API key from environment variable 'CHORUS_TEST_UNSET_").And.EndWith("which is not set; set it or remove 'apiKeyEnv'"));
        Assert.That(problems[4], Is.EqualTo("members[4] (remote) has apiKeyHeader 'x api key'; a header name holds only letters, digits and '-'"));
        Assert.That(problems[5], Is.EqualTo("members[5] ('r') has timeoutMs 0; it must be a positive whole number of milliseconds"));
        Assert.That(problems[6], Is.EqualTo("members[6] has id \"bad id\"; a member id holds only letters, digits, '.', '_' and '-'"));
        Assert.That(string.Join(" ", problems), Does.Not.Contain("12345"));
    }

    [Test]
    public void A_remote_member_named_like_a_local_one_needs_its_own_id()
    {
        Assert.That(Problems($$"""{ "id": "e", "labels": {{Labels}}, "members": [ "m", { "url": "http://h:1", "model": "m", "labels": {{Labels}} } ] }"""),
            Is.EqualTo(new[] { "member 'm' is listed more than once; give a remote member its own 'id' when another member has the same name" }));
    }

    [Test]
    public void A_local_member_may_have_its_own_timeout()
    {
        var definition = Load($$"""{ "id": "e", "labels": {{Labels}}, "members": [ { "plugin": "m", "timeoutMs": 120 } ], "policy": { "memberTimeoutMs": 900 } }""");

        Assert.That(definition.Members[0].Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(120)));
        Assert.That(definition.Policy.MemberTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(900)));
    }

    [Test]
    public void The_shipped_example_reads_and_is_not_picked_up_as_an_ensemble()
    {
        // plugins/ is scanned for *.ensemble.json only; the example (which needs a server) is named *.ensemble.json.example.
        var example = Path.Combine(RepositoryPaths.Plugins, "digits-remote.ensemble.json.example");
        var copy = _folder.Write("digits-remote.ensemble.json", File.ReadAllText(example));

        var definition = EnsembleDefinition.Load(copy);

        Assert.That(definition.Members.Count(m => m.Remote is not null), Is.EqualTo(1));
        Assert.That(Directory.EnumerateFiles(RepositoryPaths.Plugins, "*.ensemble.json"), Has.None.EndsWith("digits-remote.ensemble.json"));
    }

    private EnsembleDefinition Load(string text) => EnsembleDefinition.Load(_folder.Write("e.ensemble.json", text));

    private IReadOnlyList<string> Problems(string text) =>
        Assert.Throws<EnsembleLoadException>(() => Load(text))!.Problems;
}
