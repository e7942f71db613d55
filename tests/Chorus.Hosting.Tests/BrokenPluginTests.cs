using System.Text.Json.Nodes;
using Chorus.Fusion;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>
/// One plugin folder holding two good plugins and one of each kind of broken plugin: every failure is reported with its
/// file and reason when the host loads, and the rest serve.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class BrokenPluginTests
{
    private const string ThrowingEntryPoint = RepositoryPaths.TestPluginAssembly + ":" + RepositoryPaths.TestPluginNamespace + ".ThrowingPlugin";

    private TempFolder _folder = null!;
    private ChorusHost _host = null!;

    [OneTimeSetUp]
    public void CreateHost()
    {
        _folder = new TempFolder();
        _folder.CopyPlugin("digits-logreg");
        _folder.CopyPlugin("digits-mlp");
        _folder.AddFolder("garbage", "this is { not JSON");

        var missingModel = _folder.AddFolder("missing-model", LogregManifest(m =>
        {
            m["id"] = "missing-model";
            m["model"] = "absent.onnx";
        }));
        File.WriteAllText(Path.Combine(missingModel, "PROVENANCE.md"), "test");

        _folder.AddTestPluginFolder("throwing", LogregManifest(m =>
        {
            m["id"] = "throwing";
            m["runtime"] = "assembly";
            m["entryPoint"] = ThrowingEntryPoint;
            m.Remove("model");
        }));

        _folder.CopyPlugin("digits-logreg", "logreg-ten");
        File.WriteAllText(Path.Combine(_folder.Path, "logreg-ten", "plugin.json"), LogregManifest(m =>
        {
            m["id"] = "logreg-ten";
            m["labels"] = new JsonArray("0", "1", "2", "3", "4", "5", "6", "7", "8", "ten");
        }));

        _folder.CopyPlugin("digits-logreg", "wrong-input");
        File.WriteAllText(Path.Combine(_folder.Path, "wrong-input", "plugin.json"), LogregManifest(m =>
        {
            m["id"] = "wrong-input";
            m["inputs"]![0]!["name"] = "image";
        }));

        _folder.Write("x.ensemble.json", """
            {
              "id": "x",
              "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
              "members": [ "digits-logreg", "digits-mlp", "garbage", "missing-model", "throwing", "logreg-ten", "wrong-input" ],
              "policy": { "minMembers": 2 }
            }
            """);

        var options = new ChorusOptions();
        options.PluginDirectories.Add(_folder.Path);
        _host = ChorusHost.Create(options);
    }

    [OneTimeTearDown]
    public void DisposeHost()
    {
        _host.Dispose();
        _folder.Dispose();
    }

    [Test]
    public void The_good_plugins_load_and_the_broken_ones_are_recorded()
    {
        Assert.That(_host.Catalog.Plugins.Where(p => p.Status == PluginStatus.Loaded).Select(p => p.Id),
            Is.EquivalentTo(new[] { "digits-logreg", "digits-mlp", "logreg-ten" }));
        Assert.That(_host.Catalog.Failures.Select(p => p.Id), Is.EquivalentTo(new[] { "garbage", "missing-model", "throwing", "wrong-input" }));
        Assert.That(_host.Catalog.Failures.Select(p => p.Model), Has.All.Null);
    }

    [Test]
    public void A_manifest_that_is_not_json_is_reported_with_its_path_and_the_json_error()
    {
        var record = _host.Catalog.Find("garbage")!;

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Manifest, Is.Null);
        Assert.That(record.Source, Is.EqualTo(Path.Combine(_folder.Path, "garbage")));
        Assert.That(record.Error, Does.StartWith($"{Path.Combine(_folder.Path, "garbage", "plugin.json")}: is not valid JSON (line 1, "));
    }

    [Test]
    public void A_missing_model_file_is_reported_with_the_model_path()
    {
        var record = _host.Catalog.Find("missing-model")!;
        var manifestPath = Path.Combine(_folder.Path, "missing-model", "plugin.json");
        var modelPath = Path.Combine(_folder.Path, "missing-model", "absent.onnx");

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Manifest, Is.Not.Null, "the manifest itself was fine");
        Assert.That(record.Error, Is.EqualTo(
            $"plugin 'missing-model' ({manifestPath}): model file '{modelPath}' is missing. Put the .onnx file there or fix 'model' in plugin.json."));
    }

    [Test]
    public void A_plugin_constructor_that_throws_is_reported_with_the_exception()
    {
        var record = _host.Catalog.Find("throwing")!;
        var manifestPath = Path.Combine(_folder.Path, "throwing", "plugin.json");

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Error, Is.EqualTo(
            $"plugin 'throwing' ({manifestPath}): the constructor of {RepositoryPaths.TestPluginNamespace}.ThrowingPlugin threw InvalidOperationException: license server unreachable"));
    }

    [Test]
    public void A_model_whose_input_name_does_not_match_is_reported_at_load()
    {
        // Straight after the host was created, before any request: the mismatch is found when the model is opened.
        var record = _host.Catalog.Find("wrong-input")!;
        var manifestPath = Path.Combine(_folder.Path, "wrong-input", "plugin.json");

        Assert.That(record.Status, Is.EqualTo(PluginStatus.Failed));
        Assert.That(record.Error, Does.StartWith($"plugin 'wrong-input' ({manifestPath}): input 'image' is not in the model (its inputs: pixels"));
        Assert.That(_host.Catalog.FindModel("wrong-input"), Is.Null);
    }

    [Test]
    public void The_ensemble_loads_with_the_good_members_and_reports_the_others()
    {
        var ensemble = _host.GetEnsemble("x");
        var file = Path.Combine(_folder.Path, "x.ensemble.json");
        var prefix = $"ensemble 'x' ({file}): ";

        Assert.That(ensemble.Members.Select(m => m.PluginId), Is.EqualTo(new[] { "digits-logreg", "digits-mlp" }));
        Assert.That(_host.EnsembleProblems.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(5));
        Assert.That(_host.EnsembleProblems, Has.Some.StartsWith(prefix + "member 'garbage' failed to load: ").And.Contains("is not valid JSON"));
        Assert.That(_host.EnsembleProblems, Has.Some.StartsWith(prefix + "member 'missing-model' failed to load: ").And.Contains("absent.onnx' is missing"));
        Assert.That(_host.EnsembleProblems, Has.Some.StartsWith(prefix + "member 'throwing' failed to load: ").And.Contains("license server unreachable"));
        Assert.That(_host.EnsembleProblems, Has.Some.StartsWith(prefix + "member 'wrong-input' failed to load: ").And.Contains("input 'image' is not in the model"));
        Assert.That(_host.EnsembleProblems, Has.Some.EqualTo(prefix + $"member 'logreg-ten' ({Path.Combine(_folder.Path, "logreg-ten")}): "
            + "Member 'logreg-ten' has label 'ten', which the ensemble does not know; the ensemble's labels are [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]. "
            + "Add the label to the ensemble or fix the member's label list."));
    }

    [Test]
    public async Task The_ensemble_predicts_with_the_good_members()
    {
        var data = DigitsData.Read("test");
        var ensemble = _host.GetEnsemble("x");

        var predictions = await ensemble.PredictAsync(data.Rows(0, data.Count), data.Count);

        Assert.That(predictions.Select(p => p.IsDegraded), Has.All.False, "the members that loaded all answer");
        Assert.That(predictions.Select(p => p.Members.Count), Has.All.EqualTo(2));
        var accuracy = ClassificationMetrics.Accuracy(data.Labels, predictions.Select(p => p.ClassIndex).ToArray());
        TestContext.Out.WriteLine($"accuracy {accuracy:R}");
        Assert.That(accuracy, Is.GreaterThan(0.94), "logistic regression and MLP each score above 0.94 on the test split (reference metrics)");
    }

    [Test]
    public void A_plugin_with_an_unknown_label_still_serves_alone()
    {
        // The label problem is the ensemble's, not the plugin's: the model loads and predicts with its own labels.
        var model = _host.Catalog.FindModel("logreg-ten")!;
        var scores = new float[10];

        model.Predict(DigitsData.FirstTestSample(), 1, scores);

        Assert.That(model.Labels[^1], Is.EqualTo("ten"));
        Assert.That(scores.Sum(), Is.EqualTo(1f).Within(1e-4));
    }

    [Test]
    public void Too_few_usable_members_fail_the_ensemble_with_every_reason()
    {
        var file = _folder.Write("too-few.ensemble.json.txt", """
            {
              "id": "too-few",
              "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
              "members": [ "digits-logreg", "throwing", "logreg-ten" ],
              "policy": { "minMembers": 2 }
            }
            """);

        var ex = Assert.Throws<EnsembleLoadException>(() => _host.LoadEnsemble(file));

        Assert.That(ex.Path, Is.EqualTo(file));
        Assert.That(ex.Problems, Has.Count.EqualTo(3));
        Assert.That(ex.Problems[0], Does.StartWith("member 'throwing' failed to load: ").And.Contains("license server unreachable"));
        Assert.That(ex.Problems[1], Does.StartWith("member 'logreg-ten' (").And.Contains("has label 'ten'"));
        Assert.That(ex.Problems[2], Is.EqualTo("only 1 of 3 members can be used; the policy needs 2"));
    }

    [Test]
    public void A_member_that_is_not_installed_is_reported()
    {
        var file = _folder.Write("unknown.ensemble.json.txt", """
            { "id": "unknown", "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], "members": [ "digits-logreg", "digits-svm" ] }
            """);

        var ensemble = _host.LoadEnsemble(file);

        Assert.That(ensemble.Members.Select(m => m.PluginId), Is.EqualTo(new[] { "digits-logreg" }));
        Assert.That(_host.EnsembleProblems, Has.Some.EqualTo($"ensemble 'unknown' ({file}): member 'digits-svm' is not an installed plugin"));
    }

    private static string LogregManifest(Action<JsonObject> change)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Plugins, "digits-logreg", "plugin.json")))!.AsObject();
        change(manifest);
        return manifest.ToJsonString();
    }
}
