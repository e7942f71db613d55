using Chorus.Hosting.Ensembles;

namespace Chorus.Hosting.Tests;

/// <summary>Ensemble files: what a valid one gives, and the message for each rule it can break.</summary>
[TestFixture]
public sealed class EnsembleDefinitionTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void The_shipped_digits_ensemble_reads()
    {
        var path = Path.Combine(RepositoryPaths.Plugins, "digits.ensemble.json");

        var definition = EnsembleDefinition.Load(path);

        Assert.That(definition.Id, Is.EqualTo("digits"));
        Assert.That(definition.Labels, Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }));
        Assert.That(definition.Members, Is.EqualTo(new[]
        {
            new EnsembleMember("digits-logreg", 1), new EnsembleMember("digits-mlp", 1), new EnsembleMember("digits-cnn", 1),
        }));
        Assert.That(definition.Strategy, Is.EqualTo(FusionStrategyKind.Soft));
        Assert.That(definition.Policy, Is.EqualTo(new EnsemblePolicy(2, TimeSpan.FromMilliseconds(5000), MemberFailurePolicy.Degrade)));
        Assert.That(definition.FilePath, Is.EqualTo(Path.GetFullPath(path)));
        Assert.That(definition.StackingPath, Is.EqualTo(Path.Combine(RepositoryPaths.Plugins, "digits.stacking.json")));
        Assert.That(definition.SelectionPath, Is.EqualTo(Path.Combine(RepositoryPaths.Plugins, "digits.selection.json")));
    }

    [Test]
    public void Defaults_apply_when_the_file_leaves_things_out()
    {
        var definition = Load("""{ "id": "e", "labels": ["a", "b"], "members": ["m1", { "plugin": "m2" }] }""");

        Assert.That(definition.Members, Is.EqualTo(new[] { new EnsembleMember("m1", 1), new EnsembleMember("m2", 1) }));
        Assert.That(definition.Strategy, Is.EqualTo(FusionStrategyKind.Soft));
        Assert.That(definition.Policy, Is.EqualTo(new EnsemblePolicy(1, null, MemberFailurePolicy.Degrade)));
    }

    [Test]
    public void Strategy_and_policy_are_read_case_insensitively()
    {
        var definition = Load("""
            { "id": "e", "labels": ["a"], "members": ["m"], "strategy": "Hard", "policy": { "onMemberFailure": "FAIL", "memberTimeoutMs": 250 } }
            """);

        Assert.That(definition.Strategy, Is.EqualTo(FusionStrategyKind.Hard));
        Assert.That(definition.Policy, Is.EqualTo(new EnsemblePolicy(1, TimeSpan.FromMilliseconds(250), MemberFailurePolicy.Fail)));
    }

    [Test]
    public void A_missing_file_is_reported()
    {
        var path = Path.Combine(_folder.Path, "none.ensemble.json");

        var ex = Assert.Throws<EnsembleLoadException>(() => EnsembleDefinition.Load(path));

        Assert.That(ex.Problems, Is.EqualTo(new[] { "the file does not exist" }));
        Assert.That(ex.Message, Is.EqualTo($"ensemble file '{path}': the file does not exist"));
    }

    [Test]
    public void Text_that_is_not_json_is_reported_with_its_line()
    {
        Assert.That(Problems("{\n  \"id\": \"e\",\n  members\n}").Single(), Does.StartWith("is not valid JSON (line 3): "));
    }

    [Test]
    public void Every_problem_is_listed()
    {
        Assert.That(Problems("""
            { "labels": ["a", "a"], "members": [ { "weight": 1 }, { "plugin": "m", "weight": -1 } ], "strategy": "loud",
              "policy": { "minMembers": 0, "memberTimeoutMs": -5, "onMemberFailure": "panic" } }
            """), Is.EqualTo(new[]
        {
            "'id' is required",
            "'labels' lists a class more than once",
            "members[0] needs a 'plugin' id",
            "members[1] ('m') has weight -1; weights are finite and not negative",
            "'strategy' is 'loud'; use soft, hard, stacking or selection",
            "policy.minMembers must be a whole number of at least 1",
            "policy.memberTimeoutMs must be a positive whole number of milliseconds",
            "policy.onMemberFailure must be 'degrade' or 'fail'",
        }));
    }

    [Test]
    public void An_ensemble_needs_labels()
    {
        Assert.That(Problems("""{ "id": "e", "members": ["m"] }"""), Is.EqualTo(new[] { "'labels' must list the ensemble's classes" }));
    }

    [Test]
    public void An_ensemble_needs_members()
    {
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": [] }"""), Is.EqualTo(new[] { "'members' must list at least one plugin" }));
    }

    [Test]
    public void All_zero_weights_are_rejected()
    {
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": [ { "plugin": "m1", "weight": 0 }, { "plugin": "m2", "weight": 0 } ] }"""),
            Is.EqualTo(new[] { "every member weight is 0, so no member could ever vote; give at least one member a positive weight" }));
    }

    [Test]
    public void A_member_listed_twice_is_rejected()
    {
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m", "m"] }"""), Is.EqualTo(new[] { "member 'm' is listed more than once" }));
    }

    [Test]
    public void A_minimum_above_the_member_count_is_rejected()
    {
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m1", "m2"], "policy": { "minMembers": 3 } }"""),
            Is.EqualTo(new[] { "policy.minMembers is 3 but the ensemble has 2 members" }));
    }

    [Test]
    public void A_strategy_given_as_a_number_string_is_rejected()
    {
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m"], "strategy": "1" }"""),
            Is.EqualTo(new[] { "'strategy' is '1'; use soft, hard, stacking or selection" }));
    }

    [Test]
    public void A_strategy_that_is_not_a_string_is_reported()
    {
        // Today: InvalidOperationException from JsonElement.GetString, which is not an EnsembleLoadException.
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m"], "strategy": 1 }"""),
            Is.EqualTo(new[] { "'strategy' is '1'; use soft, hard, stacking or selection" }));
    }

    [Test]
    public void A_file_that_is_not_a_json_object_is_reported()
    {
        // Today: InvalidOperationException from JsonElement.TryGetProperty on an array.
        Assert.That(Problems("""["digits-logreg", "digits-mlp"]"""), Is.EqualTo(new[] { "must be a JSON object" }));
    }

    [Test]
    public void A_strategy_that_names_two_strategies_is_rejected()
    {
        // Today: Enum.TryParse reads "soft,hard" as Soft | Hard = Hard, and the ensemble silently votes by majority.
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m"], "strategy": "soft,hard" }"""),
            Is.EqualTo(new[] { "'strategy' is 'soft,hard'; use soft, hard, stacking or selection" }));
    }

    [Test]
    public void A_failure_policy_that_names_both_is_rejected()
    {
        // Today: "degrade,fail" reads as Degrade | Fail = Fail.
        Assert.That(Problems("""{ "id": "e", "labels": ["a"], "members": ["m"], "policy": { "onMemberFailure": "degrade,fail" } }"""),
            Is.EqualTo(new[] { "policy.onMemberFailure must be 'degrade' or 'fail'" }));
    }

    private EnsembleDefinition Load(string text) => EnsembleDefinition.Load(_folder.Write("e.ensemble.json", text));

    private IReadOnlyList<string> Problems(string text)
    {
        var path = _folder.Write("e.ensemble.json", text);
        var ex = Assert.Throws<EnsembleLoadException>(() => EnsembleDefinition.Load(path));
        Assert.That(ex.Path, Is.EqualTo(path));
        return ex.Problems;
    }
}
