using System.Diagnostics;
using Chorus.Hosting.Ensembles;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests;

/// <summary>
/// The member policy with code-registered plugins: a model that is too slow (and ignores its token), one that throws, and
/// two good ones with constant scores, in an ensemble with a 200 ms member timeout.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class EnsemblePolicyTests
{
    private const string TimedOut = "timed out after 200 ms";
    private const string Exploded = "InvalidOperationException: model exploded";
    private static readonly string[] s_labels = ["a", "b", "c"];

    // Hand-worked: the good members' mean is [(0.2 + 0.1) / 2, (0.7 + 0.6) / 2, (0.1 + 0.3) / 2] = [0.15, 0.65, 0.2] → "b".
    // Had the slow member's [0, 0, 1] been counted, the mean of three would be [0.1, 0.433, 0.467] → "c".
    private static readonly float[] s_good1 = [0.2f, 0.7f, 0.1f];
    private static readonly float[] s_good2 = [0.1f, 0.6f, 0.3f];
    private static readonly float[] s_slow = [0f, 0f, 1f];
    private static readonly TimeSpan s_slowDelay = TimeSpan.FromSeconds(1.5);

    private TempFolder _folder = null!;
    private ServiceProvider _provider = null!;
    private TestModel _slowModel = null!;
    private int _minWorkerThreads;
    private int _minIoThreads;

    [OneTimeSetUp]
    public void CreateHost()
    {
        // The slow member blocks a pool thread on purpose (it ignores its token). With fewer pool threads than members, the
        // healthy members would queue behind it and time out too (see HungMemberTests), so this fixture makes sure there
        // are enough; each test also waits for the abandoned call to end, so the next one starts with a free pool.
        ThreadPool.GetMinThreads(out _minWorkerThreads, out _minIoThreads);
        ThreadPool.SetMinThreads(Math.Max(_minWorkerThreads, 8), _minIoThreads);
        _folder = new TempFolder();
        _slowModel = TestModel.Slow("slow", s_labels, s_slow, s_slowDelay);
        _provider = CodePlugins.Provider(
            TestModel.Constant("good-1", s_labels, s_good1),
            _slowModel,
            TestModel.Throwing("throwing", s_labels, "model exploded"),
            TestModel.Constant("good-2", s_labels, s_good2));
    }

    [OneTimeTearDown]
    public void DisposeHost()
    {
        // The host disposes its models with the container; disposing the test's reference again is harmless.
        _provider.Dispose();
        _slowModel.Dispose();
        _folder.Dispose();
        ThreadPool.SetMinThreads(_minWorkerThreads, _minIoThreads);
    }

    [TearDown]
    public void LetTheAbandonedCallEnd()
    {
        Assert.That(_slowModel.WaitUntilIdle(s_slowDelay * 4), Is.True, "the slow model's abandoned call ended");
    }

    [Test]
    public void The_code_plugins_are_in_the_catalog()
    {
        Assert.That(Host.Catalog.Plugins.Select(p => (p.Id, p.Source)), Is.EqualTo(new[]
        {
            ("good-1", "code"), ("slow", "code"), ("throwing", "code"), ("good-2", "code"),
        }));
        Assert.That(Host.Catalog.Failures, Is.Empty, "the throwing model fails when asked to predict, not when created");
    }

    [Test]
    public async Task Degrade_fuses_the_members_that_answered_and_names_the_others()
    {
        var ensemble = Host.LoadEnsemble(WriteEnsemble("degrade", minMembers: 2, onMemberFailure: "degrade"));
        var clock = Stopwatch.StartNew();

        var prediction = await ensemble.PredictAsync(new float[2]);

        clock.Stop();
        Assert.That(clock.Elapsed, Is.LessThan(s_slowDelay), "the request does not wait for the slow member");
        Assert.That(prediction.IsDegraded, Is.True);
        Assert.That(prediction.ExcludedMembers, Is.EqualTo(new[] { "slow", "throwing" }));
        Assert.That(prediction.Members.Select(m => (m.MemberId, m.Error)), Is.EqualTo(new (string, string?)[]
        {
            ("good-1", null), ("slow", TimedOut), ("throwing", Exploded), ("good-2", null),
        }));
        Assert.That(prediction.Members[1].Scores, Is.Null);
        Assert.That(prediction.Members[2].Scores, Is.Null);
        Assert.That(prediction.Label, Is.EqualTo("b"));
        Assert.That(prediction.Scores, Is.EqualTo(new[] { 0.15, 0.65, 0.2 }).Within(1e-6));
        Assert.That(prediction.Agreement, Is.EqualTo(1.0), "both members that answered chose b");
        Assert.That(prediction.IsTie, Is.False);
        Assert.That(prediction.ToString(), Does.Contain("degraded: slow, throwing missing"));
    }

    [Test]
    public async Task Hard_voting_also_degrades_to_the_members_that_answered()
    {
        var ensemble = Host.LoadEnsemble(WriteEnsemble("hard", minMembers: 2, onMemberFailure: "degrade", strategy: "hard"));

        var prediction = await ensemble.PredictAsync(new float[2]);

        Assert.That(prediction.Strategy, Is.EqualTo(FusionStrategyKind.Hard));
        Assert.That(prediction.Label, Is.EqualTo("b"));
        Assert.That(prediction.Scores, Is.EqualTo(new[] { 0.0, 1.0, 0.0 }), "both votes for b");
        Assert.That(prediction.ExcludedMembers, Is.EqualTo(new[] { "slow", "throwing" }));
    }

    [Test]
    public void Fail_policy_fails_the_request_naming_the_members_and_reasons()
    {
        var ensemble = Host.LoadEnsemble(WriteEnsemble("fail", minMembers: 2, onMemberFailure: "fail"));

        Assert.That(async () => await ensemble.PredictAsync(new float[2]), Throws.InstanceOf<EnsembleException>().With.Message.EqualTo(
            $"ensemble 'fail': member(s) failed and the policy is 'fail': slow: {TimedOut}; throwing: {Exploded}."));
    }

    [Test]
    public void Fewer_answers_than_the_minimum_fail_the_request_naming_the_missing_members()
    {
        var ensemble = Host.LoadEnsemble(WriteEnsemble("min3", minMembers: 3, onMemberFailure: "degrade"));

        var ex = Assert.ThrowsAsync<EnsembleException>(async () => await ensemble.PredictAsync(new float[2]));

        Assert.That(ex.Message, Is.EqualTo(
            $"ensemble 'min3': only 2 of 4 members answered, fewer than the minimum 3: slow: {TimedOut}; throwing: {Exploded}."));
        Assert.That(ex.ModelName, Is.EqualTo("min3"));
    }

    [Test]
    public void All_zero_weights_are_rejected_at_load()
    {
        var file = _folder.Write("zero.ensemble.json", """
            {
              "id": "zero", "labels": ["a", "b", "c"],
              "members": [ { "plugin": "good-1", "weight": 0 }, { "plugin": "good-2", "weight": 0 } ]
            }
            """);

        var ex = Assert.Throws<EnsembleLoadException>(() => Host.LoadEnsemble(file));

        Assert.That(ex.Path, Is.EqualTo(file));
        Assert.That(ex.Problems, Is.EqualTo(new[] { "every member weight is 0, so no member could ever vote; give at least one member a positive weight" }));
    }

    [Test]
    public async Task A_member_with_weight_zero_does_not_vote()
    {
        var file = _folder.Write("weighted.ensemble.json", """
            {
              "id": "weighted", "labels": ["a", "b", "c"],
              "members": [ { "plugin": "good-1", "weight": 0 }, { "plugin": "good-2", "weight": 1 } ]
            }
            """);

        var prediction = await Host.LoadEnsemble(file).PredictAsync(new float[2]);

        Assert.That(prediction.Scores, Is.EqualTo(new[] { 0.1, 0.6, 0.3 }).Within(1e-6), "good-2's scores alone");
    }

    [Test]
    public async Task Weights_scale_each_members_share()
    {
        var file = _folder.Write("weighted3.ensemble.json", """
            {
              "id": "weighted3", "labels": ["a", "b", "c"],
              "members": [ { "plugin": "good-1", "weight": 3 }, { "plugin": "good-2", "weight": 1 } ]
            }
            """);

        var prediction = await Host.LoadEnsemble(file).PredictAsync(new float[2]);

        // (3·[0.2, 0.7, 0.1] + [0.1, 0.6, 0.3]) / 4 = [0.175, 0.675, 0.15].
        Assert.That(prediction.Scores, Is.EqualTo(new[] { 0.175, 0.675, 0.15 }).Within(1e-6));
    }

    [Test]
    public async Task A_member_covering_some_labels_gets_zero_for_the_others()
    {
        using var provider = CodePlugins.Provider(
            TestModel.Constant("full", s_labels, [0.2f, 0.2f, 0.6f]),
            TestModel.Constant("partial", ["c", "a"], [0.4f, 0.6f]));
        var host = provider.GetRequiredService<ChorusHost>();
        var file = _folder.Write("partial.ensemble.json", """{ "id": "partial", "labels": ["a", "b", "c"], "members": ["full", "partial"] }""");

        var prediction = await host.LoadEnsemble(file).PredictAsync(new float[2]);

        // partial aligned to [a, b, c] = [0.6, 0, 0.4]; mean with [0.2, 0.2, 0.6] = [0.4, 0.1, 0.5].
        Assert.That(prediction.Members[1].Scores, Is.EqualTo(new[] { 0.6, 0.0, 0.4 }).Within(1e-6));
        Assert.That(prediction.Scores, Is.EqualTo(new[] { 0.4, 0.1, 0.5 }).Within(1e-6));
        Assert.That(prediction.Label, Is.EqualTo("c"));
    }

    [Test]
    public void Members_taking_samples_of_different_sizes_are_refused()
    {
        using var provider = CodePlugins.Provider(
            TestModel.Constant("two", s_labels, s_good1, sampleSize: 2),
            TestModel.Constant("three", s_labels, s_good2, sampleSize: 3));
        var host = provider.GetRequiredService<ChorusHost>();
        var file = _folder.Write("sizes.ensemble.json", """{ "id": "sizes", "labels": ["a", "b", "c"], "members": ["two", "three"] }""");

        var ex = Assert.Throws<EnsembleLoadException>(() => host.LoadEnsemble(file));

        Assert.That(ex.Problems[0], Is.EqualTo(
            "members take samples of different sizes (two: 2, three: 3); an ensemble's members must take the same input"));
    }

    [Test]
    public void Cancelling_the_request_cancels_it_rather_than_reporting_timeouts()
    {
        var ensemble = Host.LoadEnsemble(WriteEnsemble("cancel", minMembers: 1, onMemberFailure: "degrade"));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        Assert.That(async () => await ensemble.PredictAsync(new float[2], cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>The container's singleton host (the container owns and disposes it).</summary>
    private ChorusHost Host => _provider.GetRequiredService<ChorusHost>();

    private string WriteEnsemble(string id, int minMembers, string onMemberFailure, string strategy = "soft") =>
        _folder.Write($"{id}.ensemble.json", $$"""
            {
              "id": "{{id}}",
              "labels": ["a", "b", "c"],
              "members": [ { "plugin": "good-1" }, { "plugin": "slow" }, { "plugin": "throwing" }, { "plugin": "good-2" } ],
              "strategy": "{{strategy}}",
              "policy": { "minMembers": {{minMembers}}, "memberTimeoutMs": 200, "onMemberFailure": "{{onMemberFailure}}" }
            }
            """);
}
