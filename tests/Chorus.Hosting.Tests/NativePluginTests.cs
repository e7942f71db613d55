using Chorus.Hosting.Plugins;
using Chorus.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>
/// Native plugins through the C ABI: the bundled k-NN digits plugin works and joins an ensemble; each broken library of
/// tests/native-faults is reported with the file and the problem while the others serve.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class NativePluginTests
{
    private static string Faults => Path.Combine(RepositoryPaths.Root, "artifacts", "native-faults");

    private static string FaultFolder(TempFolder folder, string variant, string? id = null)
    {
        var library = NativePluginModel.LibraryFileName($"fault_{variant}");
        var source = Path.Combine(Faults, library);
        if (!File.Exists(source))
        {
            Assert.Fail($"{source} was not built: the build needs cmake and a C compiler (see tests/native-faults/README.md).");
        }

        id ??= $"fault-{variant.Replace('_', '-')}";
        var manifest = $$"""
            { "id": "{{id}}", "version": "1.0.0", "task": "classification", "runtime": "native",
              "library": "fault_{{variant}}", "labels": ["a", "b", "c"],
              "inputs": [ { "name": "x", "elementType": "float32", "shape": [-1, 2] } ],
              "outputs": [ { "name": "probabilities", "kind": "probabilities" } ],
              "license": "Part of the Chorus tests.", "provenance": "tests/native-faults" }
            """;
        var plugin = folder.AddFolder(id, manifest);
        File.Copy(source, Path.Combine(plugin, library));
        return plugin;
    }

    private static ChorusHost Host(TempFolder folder)
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(folder.Path);
        return ChorusHost.Create(options);
    }

    [Test]
    public void The_knn_digits_plugin_classifies_the_test_split_through_the_host()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(RepositoryPaths.Plugins);
        using var host = ChorusHost.Create(options);
        var record = host.Catalog.Find("digits-knn");
        Assert.That(record?.Status, Is.EqualTo(PluginStatus.Loaded), record?.Error);

        var rows = File.ReadLines(Path.Combine(RepositoryPaths.Digits, "test.csv")).Skip(1)
            .Select(line => line.Split(',')).ToArray();
        var samples = rows.SelectMany(r => r[..64].Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var scores = new float[rows.Length * 10];
        record!.Model!.Predict(samples, rows.Length, scores);

        var correct = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = scores.AsSpan(i * 10, 10);
            correct += row.IndexOf(MaxOf(row)).ToString(System.Globalization.CultureInfo.InvariantCulture) == rows[i][64] ? 1 : 0;
        }

        // The plugin's CTest and scikit-learn's KNeighborsClassifier(k=5) both give 351 of 360 on this split.
        Assert.That(correct, Is.EqualTo(351));
    }

    private static float MaxOf(ReadOnlySpan<float> row)
    {
        var max = float.MinValue;
        foreach (var value in row)
        {
            max = Math.Max(max, value);
        }

        return max;
    }

    [Test]
    public void A_working_native_plugin_predicts()
    {
        using var folder = new TempFolder();
        FaultFolder(folder, "ok");
        using var host = Host(folder);

        var model = host.Catalog.FindModel("fault-ok");
        Assert.That(model, Is.Not.Null, host.Catalog.Plugins.Single().Error);
        var scores = new float[6];
        model!.Predict(new float[4], 2, scores);
        Assert.That(scores, Is.EqualTo(new[] { 0.2f, 0.3f, 0.5f, 0.2f, 0.3f, 0.5f }));
        Assert.That(model.SampleSize, Is.EqualTo(2));
    }

    [Test]
    public void Broken_libraries_are_reported_with_the_file_and_the_problem_while_the_good_one_serves()
    {
        using var folder = new TempFolder();
        FaultFolder(folder, "ok");
        FaultFolder(folder, "missing_symbol");
        FaultFolder(folder, "abi_mismatch");
        FaultFolder(folder, "create_fails");
        FaultFolder(folder, "ok", id: "fault-wrong-id");
        var missing = folder.AddFolder("fault-missing-library", """
            { "id": "fault-missing-library", "version": "1.0.0", "task": "classification", "runtime": "native", "library": "not_built",
              "labels": ["a", "b", "c"], "inputs": [ { "name": "x", "shape": [-1, 2] } ], "outputs": [ { "name": "probabilities" } ] }
            """);

        using var host = Host(folder);
        string Error(string id) => host.Catalog.Find(id)!.Error!;

        Assert.That(host.Catalog.FindModel("fault-ok"), Is.Not.Null);
        Assert.That(Error("fault-missing-library"), Does.Contain($"native library '{Path.Combine(missing, NativePluginModel.LibraryFileName("not_built"))}' is missing"));
        Assert.That(Error("fault-missing-symbol"), Does.Contain("does not export chorus_plugin_run").And.Contain(NativePluginModel.LibraryFileName("fault_missing_symbol")));
        Assert.That(Error("fault-abi-mismatch"), Does.Contain("was built for Chorus plugin ABI version 99; this host speaks version 1"));
        Assert.That(Error("fault-create-fails"), Does.Contain("chorus_plugin_create failed (code 3): cannot open the model file: fault injected"));
        Assert.That(Error("fault-wrong-id"), Does.Contain("the library says its id is 'fault-ok', plugin.json says 'fault-wrong-id'"));
        Assert.That(host.Catalog.Plugins.Where(p => p.Status == PluginStatus.Failed).Select(p => p.Error),
            Has.All.Contains("plugin.json"), "every failure names its manifest");
    }

    [Test]
    public void A_run_error_and_a_wrong_output_size_fail_that_request_only()
    {
        using var folder = new TempFolder();
        FaultFolder(folder, "run_error");
        FaultFolder(folder, "wrong_output_size");
        using var host = Host(folder);
        var runError = host.Catalog.FindModel("fault-run-error")!;
        var wrongSize = host.Catalog.FindModel("fault-wrong-output-size")!;
        var scores = new float[6];

        Assert.That(() => runError.Predict(new float[4], 2, scores),
            Throws.InstanceOf<ChorusException>().With.Message.Contains("chorus_plugin_run failed (code 3): run failed: fault injected"));
        Assert.That(() => wrongSize.Predict(new float[4], 2, scores),
            Throws.InstanceOf<ChorusException>().With.Message.Contains("reported 5 output values for 2 sample(s); 6 (2 x 3 labels) were expected"));
        Assert.That(() => runError.Predict(new float[3], 2, scores),
            Throws.InstanceOf<ChorusException>().With.Message.Contains("2 sample(s) of 2 values need 4 values, got 3"));

        // The host keeps serving: the same models answer the next call the same way, nothing crashed.
        Assert.That(() => wrongSize.Predict(new float[2], 1, scores), Throws.InstanceOf<ChorusException>().With.Message.Contains("reported 2 output values"));
    }

    [Test]
    public async Task A_native_member_that_fails_degrades_the_ensemble_which_names_it()
    {
        using var folder = new TempFolder();
        FaultFolder(folder, "ok");
        FaultFolder(folder, "run_error");
        var file = folder.Write("natives.ensemble.json", """
            { "id": "natives", "labels": ["a", "b", "c"], "members": ["fault-ok", "fault-run-error"], "policy": { "minMembers": 1 } }
            """);
        using var host = Host(folder);
        var ensemble = host.LoadEnsemble(file);

        var prediction = await ensemble.PredictAsync(new float[2]);

        Assert.That(prediction.Label, Is.EqualTo("c"));
        Assert.That(prediction.IsDegraded, Is.True);
        Assert.That(prediction.Members[1].Error, Does.Contain("run failed: fault injected"));
    }

    [Test]
    public void A_native_manifest_needs_a_bare_library_name()
    {
        Assert.That(() => PluginManifest.Parse("""
            { "id": "n", "version": "1", "task": "classification", "runtime": "native", "library": "../evil", "labels": ["a"] }
            """, "plugin.json"),
            Throws.TypeOf<PluginManifestException>().With.Message.Contains("library '../evil' must be a bare name"));
        Assert.That(() => PluginManifest.Parse("""{ "id": "n", "version": "1", "task": "classification", "runtime": "native", "labels": ["a"] }""", "plugin.json"),
            Throws.TypeOf<PluginManifestException>().With.Message.Contains("'library' is required"));
    }
}
