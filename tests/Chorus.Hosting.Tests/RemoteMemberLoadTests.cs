using System.Net;
using System.Net.Sockets;
using Chorus.Hosting.Ensembles;

namespace Chorus.Hosting.Tests;

/// <summary>
/// Loading ensembles with remote members whose server is down (a loopback port nothing listens on): the load succeeds,
/// the members fail per the policy at request time naming the URL and the connection error, and members on one server share
/// one HTTP client. The behaviour with a live server is in tests/Chorus.Server.Tests (RemoteMemberTests).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RemoteMemberLoadTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public async Task A_down_server_does_not_fail_the_load_and_fails_the_members_with_the_url_and_the_error()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        _folder.Write("far.ensemble.json", $$"""
            { "id": "far", "labels": ["a", "b"], "policy": { "memberTimeoutMs": 3000 },
              "members": [ { "url": "{{url}}", "model": "m1", "labels": ["a", "b"], "sampleSize": 4, "apiKey": "never-shown-key" },
                           { "url": "{{url}}/", "model": "m2", "labels": ["b", "a"] } ] }
            """);
        using var host = CreateHost();

        var ensemble = host.GetEnsemble("far");

        Assert.That(ensemble.Members.Select(m => m.PluginId), Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(ensemble.SampleSize, Is.EqualTo(4));
        Assert.That(host.RemoteServers.Count, Is.EqualTo(1), "members on one server share one client");
        Assert.That(host.EnsembleProblems, Has.Count.EqualTo(2));
        Assert.That(host.EnsembleProblems[0], Does.Contain($"{url}/v2/models/m1").And.Contain("not checked at load"));

        var ex = Assert.ThrowsAsync<EnsembleException>(() => ensemble.PredictAsync(new float[4]));
        Assert.That(ex!.Message, Does.Contain("only 0 of 2 members answered"));
        Assert.That(ex.Message, Does.Contain($"m1: RemoteModelException: remote member 'm1' (model 'm1' at {url}/): cannot reach {url}/v2/models/m1"));
        Assert.That(ex.Message, Does.Contain("Connection refused"));
        Assert.That(ex.Message + string.Join(" ", host.EnsembleProblems), Does.Not.Contain("never-shown-key"));

        // The host keeps answering: the next request gets the same clear failure, not a hang or a crash.
        Assert.ThrowsAsync<EnsembleException>(() => ensemble.PredictAsync(new float[4]));
    }

    [Test]
    public void Without_a_local_member_or_sampleSize_the_remote_member_is_left_out_with_the_fix()
    {
        var path = _folder.Write("far.ensemble.json", $$"""
            { "id": "far", "labels": ["a"], "members": [ { "url": "http://127.0.0.1:{{FreePort()}}", "model": "m", "labels": ["a"] } ] }
            """);
        using var host = CreateHost();

        var ex = Assert.Throws<EnsembleLoadException>(() => host.LoadEnsemble(path));

        Assert.That(ex!.Problems[0], Does.EndWith("no local member fixes the sample size; give 'sampleSize' in its entry"));
    }

    [Test]
    public void A_remote_member_whose_labels_miss_the_ensemble_is_left_out()
    {
        var path = _folder.Write("far.ensemble.json", $$"""
            { "id": "far", "labels": ["a", "b"], "members": [ { "url": "http://127.0.0.1:{{FreePort()}}", "model": "m", "labels": ["a", "z"], "sampleSize": 2 } ] }
            """);
        using var host = CreateHost();

        var ex = Assert.Throws<EnsembleLoadException>(() => host.LoadEnsemble(path));

        Assert.That(ex!.Problems[0], Does.StartWith("member 'm' (model 'm' at http://127.0.0.1:").And.Contain("'z'"));
    }

    private ChorusHost CreateHost()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(_folder.Path);
        return ChorusHost.Create(options);
    }

    /// <summary>A loopback port that was free a moment ago; nothing listens on it.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
