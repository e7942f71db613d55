using System.Text.Json;
using System.Text.Json.Nodes;
using Chorus.Plugins;

namespace Chorus.Abstractions.Tests;

[TestFixture]
public sealed class PluginManifestTests
{
    private const string ManifestPath = "/plugins/sample/plugin.json";

    [TestCase("digits-logreg")]
    [TestCase("digits-mlp")]
    [TestCase("digits-cnn")]
    public void The_shipped_manifests_parse(string id)
    {
        var folder = Path.Combine(RepositoryPaths.Plugins, id);

        var manifest = PluginManifest.Load(folder);

        Assert.That(manifest.Id, Is.EqualTo(id));
        Assert.That(manifest.Version, Is.EqualTo("1.0.0"));
        Assert.That(manifest.Task, Is.EqualTo(ModelTask.Classification));
        Assert.That(manifest.Labels, Has.Count.EqualTo(10).And.EquivalentTo(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(manifest.Directory, Is.EqualTo(Path.GetFullPath(folder)));
        Assert.That(manifest.ManifestPath, Is.EqualTo(Path.Combine(Path.GetFullPath(folder), "plugin.json")));
        Assert.That(manifest.ModelPath, Is.EqualTo(Path.Combine(Path.GetFullPath(folder), "model.onnx")));
        Assert.That(manifest.Inputs, Has.Count.EqualTo(1));
        Assert.That(manifest.Inputs[0].ElementType, Is.EqualTo("float32"));
        Assert.That(manifest.Inputs[0].Preprocessing, Is.EqualTo(new Preprocessing(0.0625, 0.0)));
        Assert.That(manifest.Inputs[0].SampleSize, Is.EqualTo(64), "8×8 pixels per sample, whatever the layout");
        Assert.That(manifest.Outputs, Is.EqualTo(new[] { new ManifestOutput("probabilities", OutputKind.Probabilities) }));
        Assert.That(manifest.License, Does.Contain("CC BY 4.0"));
        Assert.That(manifest.Provenance, Is.EqualTo("PROVENANCE.md"));
    }

    [TestCaseSource(nameof(ShippedPluginFolders))]
    public void Every_manifest_under_plugins_parses(string folder)
    {
        var manifest = PluginManifest.Load(folder);

        Assert.That(manifest.Id, Is.EqualTo(Path.GetFileName(folder)), "the shipped plugins are named after their folders");
        Assert.That(manifest.License, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void The_shipped_manifests_declare_their_runtime_shape_and_label_order()
    {
        var logreg = PluginManifest.Load(Path.Combine(RepositoryPaths.Plugins, "digits-logreg"));
        var mlp = PluginManifest.Load(Path.Combine(RepositoryPaths.Plugins, "digits-mlp"));
        var cnn = PluginManifest.Load(Path.Combine(RepositoryPaths.Plugins, "digits-cnn"));

        Assert.That(logreg.Runtime, Is.EqualTo(PluginRuntime.Onnx));
        Assert.That(logreg.Inputs[0].Shape, Is.EqualTo(new long[] { -1, 64 }));
        Assert.That(logreg.Labels, Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }));
        Assert.That(mlp.Labels, Is.EqualTo(new[] { "9", "8", "7", "6", "5", "4", "3", "2", "1", "0" }), "the MLP lists its labels reversed on purpose");
        Assert.That(cnn.Runtime, Is.EqualTo(PluginRuntime.Assembly));
        Assert.That(cnn.EntryPoint, Is.EqualTo("Chorus.Plugins.DigitsCnn.dll:Chorus.Plugins.DigitsCnn.DigitsCnnPlugin"));
        Assert.That(cnn.Inputs[0].Shape, Is.EqualTo(new long[] { -1, 1, 8, 8 }));
    }

    [Test]
    public void A_valid_manifest_text_parses_and_is_anchored_at_its_path()
    {
        var manifest = PluginManifest.Parse(ValidOnnx().ToJsonString(), ManifestPath);

        Assert.That(manifest.Id, Is.EqualTo("sample"));
        Assert.That(manifest.ManifestPath, Is.EqualTo(Path.GetFullPath(ManifestPath)));
        Assert.That(manifest.Directory, Is.EqualTo(Path.GetDirectoryName(Path.GetFullPath(ManifestPath))));
        Assert.That(manifest.ModelPath, Is.EqualTo(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(ManifestPath))!, "model.onnx")));
        Assert.That(manifest.Labels, Is.EqualTo(new[] { "cat", "dog", "bird" }));
    }

    [Test]
    public void Comments_and_trailing_commas_are_allowed()
    {
        const string Text = """
            {
              // written by hand
              "id": "sample", "version": "1", "task": "classification", "runtime": "onnx", "model": "m.onnx",
              "labels": ["a", "b",],
              "inputs": [ { "name": "x", "shape": [-1, 4] } ],
              "outputs": [ { "name": "y" } ],
            }
            """;

        var manifest = PluginManifest.Parse(Text, ManifestPath);

        Assert.That(manifest.Labels, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(manifest.Inputs[0].ElementType, Is.EqualTo("float32"), "elementType defaults to float32");
        Assert.That(manifest.Inputs[0].Preprocessing, Is.EqualTo(new Preprocessing(1.0, 0.0)), "no preprocessing means identity");
        Assert.That(manifest.Outputs[0].Kind, Is.EqualTo(OutputKind.Probabilities), "kind defaults to probabilities");
    }

    [Test]
    public void Enum_values_are_case_insensitive_and_logits_are_read()
    {
        var json = ValidOnnx();
        json["task"] = "Classification";
        json["runtime"] = "ONNX";
        json["outputs"]![0]!["kind"] = "logits";

        var manifest = PluginManifest.Parse(json.ToJsonString(), ManifestPath);

        Assert.That(manifest.Task, Is.EqualTo(ModelTask.Classification));
        Assert.That(manifest.Runtime, Is.EqualTo(PluginRuntime.Onnx));
        Assert.That(manifest.Outputs[0].Kind, Is.EqualTo(OutputKind.Logits));
    }

    [Test]
    public void A_missing_file_is_reported_with_its_path()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chorus-no-such-plugin-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Load(folder));

        Assert.That(ex.ManifestPath, Is.EqualTo(Path.Combine(folder, "plugin.json")));
        Assert.That(ex.Problems, Is.EqualTo(new[] { "the file is missing; every plugin folder needs a plugin.json" }));
        Assert.That(ex.Message, Does.StartWith(Path.Combine(folder, "plugin.json")));
    }

    [Test]
    public void Missing_id_is_reported()
    {
        var json = ValidOnnx();
        json.Remove("id");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'id' is required" }));
    }

    [Test]
    public void An_empty_id_is_reported()
    {
        var json = ValidOnnx();
        json["id"] = " ";

        Assert.That(Problems(json), Is.EqualTo(new[] { "'id' must be a non-empty string" }));
    }

    [TestCase("a/b")]
    [TestCase("Digits")]
    [TestCase("-digits")]
    [TestCase("dig its")]
    public void An_id_that_cannot_name_a_folder_is_reported(string id)
    {
        var json = ValidOnnx();
        json["id"] = id;

        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse(json.ToJsonString(), ManifestPath));

        Assert.That(ex.Problems, Is.EqualTo(new[] { $"id '{id}' may hold only lower-case letters, digits, '.', '_' and '-' (it names folders and URLs)" }));
        Assert.That(ex.ModelName, Is.EqualTo(id), "the exception names the plugin it read");
        Assert.That(ex.Message, Does.StartWith($"plugin '{id}' ({ManifestPath}): "));
    }

    [TestCase("digits-1.0_beta")]
    [TestCase("0")]
    public void Ids_of_lower_case_letters_digits_dots_underscores_and_dashes_are_accepted(string id)
    {
        var json = ValidOnnx();
        json["id"] = id;

        Assert.That(PluginManifest.Parse(json.ToJsonString(), ManifestPath).Id, Is.EqualTo(id));
    }

    [Test]
    public void Missing_version_is_reported()
    {
        var json = ValidOnnx();
        json.Remove("version");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'version' is required" }));
    }

    [TestCase("ranking")]
    [TestCase("0")]
    public void Unknown_task_lists_the_allowed_values(string task)
    {
        var json = ValidOnnx();
        json["task"] = task;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"'task' is '{task}'; use one of classification, regression" }));
    }

    [TestCase("python")]
    [TestCase("2")]
    public void Unknown_runtime_lists_the_allowed_values(string runtime)
    {
        var json = ValidOnnx();
        json["runtime"] = runtime;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"'runtime' is '{runtime}'; use one of onnx, assembly, native" }));
    }

    [Test]
    public void Unknown_output_kind_lists_the_allowed_values()
    {
        var json = ValidOnnx();
        json["outputs"]![0]!["kind"] = "scores";

        Assert.That(Problems(json), Is.EqualTo(new[] { "'kind' is 'scores'; use one of probabilities, logits" }));
    }

    [Test]
    public void Onnx_without_model_is_reported()
    {
        var json = ValidOnnx();
        json.Remove("model");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'model' is required" }));
    }

    [Test]
    public void Assembly_without_entry_point_is_reported()
    {
        var json = ValidAssembly();
        json.Remove("entryPoint");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'entryPoint' is required" }));
    }

    [Test]
    public void Assembly_plugins_need_no_model_and_no_declared_input()
    {
        var manifest = PluginManifest.Parse(ValidAssembly().ToJsonString(), ManifestPath);

        Assert.That(manifest.Runtime, Is.EqualTo(PluginRuntime.Assembly));
        Assert.That(manifest.Model, Is.Null);
        Assert.That(manifest.ModelPath, Is.Null);
        Assert.That(manifest.Inputs, Is.Empty);
        Assert.That(manifest.EntryPoint, Is.EqualTo("Sample.Plugin.dll:Sample.Plugin.SamplePlugin"));
    }

    [TestCase("Sample.Plugin.dll")]
    [TestCase(":Sample.Plugin.SamplePlugin")]
    [TestCase("Sample.Plugin.dll:")]
    public void A_malformed_entry_point_is_reported(string entryPoint)
    {
        var json = ValidAssembly();
        json["entryPoint"] = entryPoint;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"entryPoint '{entryPoint}' must read 'Assembly.dll:Namespace.TypeName'" }));
    }

    [TestCase("../model.onnx")]
    [TestCase("models/../../model.onnx")]
    [TestCase("..\\model.onnx")]
    public void A_model_path_leaving_the_plugin_folder_is_rejected(string model)
    {
        var json = ValidOnnx();
        json["model"] = model;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"'{model}' must be a path inside the plugin folder (no absolute paths, no '..')" }));
    }

    [Test]
    public void An_absolute_model_path_is_rejected()
    {
        var model = Path.Combine(Path.GetTempPath(), "model.onnx");
        var json = ValidOnnx();
        json["model"] = model;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"'{model}' must be a path inside the plugin folder (no absolute paths, no '..')" }));
    }

    [Test]
    public void An_entry_point_assembly_outside_the_plugin_folder_is_rejected()
    {
        var json = ValidAssembly();
        json["entryPoint"] = "../other/Other.dll:Other.Plugin";

        Assert.That(Problems(json), Is.EqualTo(new[] { "'../other/Other.dll' must be a path inside the plugin folder (no absolute paths, no '..')" }));
    }

    [Test]
    public void A_file_name_that_merely_starts_with_dots_is_inside_the_folder()
    {
        var json = ValidOnnx();
        json["model"] = "models/..model.onnx";

        Assert.That(PluginManifest.Parse(json.ToJsonString(), ManifestPath).Model, Is.EqualTo("models/..model.onnx"));
    }

    [Test]
    public void Duplicate_labels_are_reported()
    {
        var json = ValidOnnx();
        json["labels"] = new JsonArray("cat", "dog", "cat", "bird", "dog");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'labels' lists 'cat', 'dog' more than once" }));
    }

    [Test]
    public void Labels_are_compared_case_sensitively()
    {
        var json = ValidOnnx();
        json["labels"] = new JsonArray("cat", "Cat");

        Assert.That(PluginManifest.Parse(json.ToJsonString(), ManifestPath).Labels, Is.EqualTo(new[] { "cat", "Cat" }));
    }

    [Test]
    public void Classification_without_labels_is_reported()
    {
        var json = ValidOnnx();
        json.Remove("labels");

        Assert.That(Problems(json), Is.EqualTo(new[] { "'labels' must list the classes of a classification model, in the order of its score columns" }));
    }

    [Test]
    public void Classification_with_an_empty_label_list_is_reported()
    {
        var json = ValidOnnx();
        json["labels"] = new JsonArray();

        Assert.That(Problems(json), Is.EqualTo(new[] { "'labels' must list the classes of a classification model, in the order of its score columns" }));
    }

    [Test]
    public void Regression_needs_no_labels()
    {
        var json = ValidOnnx();
        json["task"] = "regression";
        json.Remove("labels");

        var manifest = PluginManifest.Parse(json.ToJsonString(), ManifestPath);

        Assert.That(manifest.Task, Is.EqualTo(ModelTask.Regression));
        Assert.That(manifest.Labels, Is.Empty);
    }

    [Test]
    public void Labels_that_are_not_strings_are_reported()
    {
        var json = ValidOnnx();
        json["labels"] = new JsonArray("cat", 3, "");

        Assert.That(Problems(json), Is.EqualTo(new[]
        {
            "'labels' must hold only non-empty strings (found 3)",
            "'labels' must hold only non-empty strings (found \"\")",
        }));
    }

    [TestCase(0)]
    [TestCase(-2)]
    public void An_input_dimension_that_is_not_positive_or_minus_one_is_reported(int dimension)
    {
        var json = ValidOnnx();
        json["inputs"]![0]!["shape"] = new JsonArray(-1, dimension);

        Assert.That(Problems(json), Is.EqualTo(new[] { $"inputs[0].shape holds {dimension}; dimensions are positive integers, or -1 for the batch" }));
    }

    [Test]
    public void An_input_without_shape_is_reported()
    {
        var json = ValidOnnx();
        json["inputs"]![0]!.AsObject().Remove("shape");

        Assert.That(Problems(json), Is.EqualTo(new[] { "inputs[0].shape is required: the input's dimensions, -1 for the batch (e.g. [-1, 64])" }));
    }

    [Test]
    public void A_manifest_only_onnx_plugin_declares_exactly_one_input_and_a_score_output()
    {
        var json = ValidOnnx();
        json["inputs"] = new JsonArray();
        json["outputs"] = new JsonArray();

        Assert.That(Problems(json), Is.EqualTo(new[]
        {
            "a manifest-only ONNX plugin declares exactly one input in 'inputs' (the one that takes the data)",
            "a manifest-only ONNX plugin declares its score output in 'outputs'",
        }));
    }

    [Test]
    public void Non_finite_preprocessing_is_reported()
    {
        var json = ValidOnnx();
        json["inputs"]![0]!["preprocessing"] = new JsonObject { ["scale"] = "big" };

        Assert.That(Problems(json), Is.EqualTo(new[] { "inputs[0].preprocessing.scale must be a finite number" }));
    }

    [Test]
    public void Text_that_is_not_json_is_reported_with_its_line()
    {
        const string Text = "{\n  \"id\": \"sample\",\n  version: 1\n}";

        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse(Text, ManifestPath));

        Assert.That(ex.Problems, Has.Count.EqualTo(1));
        Assert.That(ex.Problems[0], Does.StartWith("is not valid JSON (line 3, byte 3): "));
        Assert.That(ex.Problems[0], Does.Not.Contain("Path:"), "the JSON reader's path suffix is dropped");
        Assert.That(ex.InnerException, Is.InstanceOf<JsonException>());
        Assert.That(ex.ManifestPath, Is.EqualTo(ManifestPath));
        Assert.That(ex.Message, Does.StartWith($"{ManifestPath}: is not valid JSON (line 3"));
    }

    [Test]
    public void Garbage_is_reported_as_not_json()
    {
        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse("this is not a manifest", ManifestPath));

        Assert.That(ex.Problems[0], Does.StartWith("is not valid JSON (line 1, "));
    }

    [Test]
    public void A_json_value_that_is_not_an_object_is_reported()
    {
        Assert.That(Problems("[1, 2, 3]"), Is.EqualTo(new[] { "must be a JSON object" }));
    }

    [Test]
    public void Several_problems_are_reported_together()
    {
        var json = ValidOnnx();
        json.Remove("id");
        json["runtime"] = "python";
        json["labels"] = new JsonArray("a", "a");
        json["inputs"]![0]!["shape"] = new JsonArray(-1, 0);

        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse(json.ToJsonString(), ManifestPath));

        Assert.That(ex.Problems, Is.EqualTo(new[]
        {
            "'id' is required",
            "'runtime' is 'python'; use one of onnx, assembly, native",
            "'labels' lists 'a' more than once",
            "inputs[0].shape holds 0; dimensions are positive integers, or -1 for the batch",
        }));
        Assert.That(ex.Message, Is.EqualTo($"{ManifestPath}: {string.Join("; ", ex.Problems)}"));
        Assert.That(ex.ModelName, Is.Null, "no id could be read");
    }

    [Test]
    public void The_manifest_exception_is_a_chorus_exception()
    {
        Assert.That(new PluginManifestException("x", ["p"]), Is.InstanceOf<ChorusException>());
    }

    [TestCase(new long[] { -1, 64 }, 64)]
    [TestCase(new long[] { -1, 1, 8, 8 }, 64)]
    [TestCase(new long[] { -1, -1, 3 }, 3)]
    [TestCase(new long[] { -1 }, 1)]
    public void Sample_size_is_the_product_of_the_dimensions_after_the_batch(long[] shape, int expected)
    {
        Assert.That(new ManifestInput("x", "float32", shape, new Preprocessing()).SampleSize, Is.EqualTo(expected));
    }

    [TestCase("task", "classification,regression", "classification, regression")]
    [TestCase("runtime", "onnx,assembly", "onnx, assembly, native")]
    public void A_value_naming_two_enum_members_is_rejected(string property, string value, string allowed)
    {
        var json = ValidOnnx();
        json[property] = value;
        json["entryPoint"] = "Sample.dll:Sample.Plugin";

        // Today: 'classification,regression' parses as Regression, 'onnx,assembly' as Assembly.
        Assert.That(Problems(json), Is.EqualTo(new[] { $"'{property}' is '{value}'; use one of {allowed}" }));
    }

    [Test]
    public void An_id_ending_in_a_newline_is_rejected()
    {
        var json = ValidOnnx();
        json["id"] = "sample\n";

        Assert.That(Problems(json), Is.EqualTo(new[] { "id 'sample\n' may hold only lower-case letters, digits, '.', '_' and '-' (it names folders and URLs)" }));
    }

    [TestCase("license")]
    [TestCase("provenance")]
    public void A_licence_or_provenance_that_is_not_text_is_reported(string property)
    {
        var json = ValidOnnx();
        json[property] = 5;

        Assert.That(Problems(json), Is.EqualTo(new[] { $"'{property}' must be a non-empty string" }));
    }

    [Test]
    public void A_json_error_at_the_top_level_carries_only_one_position()
    {
        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse("this is not a manifest", ManifestPath));

        Assert.That(ex.Problems[0], Does.Not.Contain("LineNumber:").And.Not.Contain("BytePositionInLine:"));
    }

    private static IEnumerable<TestCaseData> ShippedPluginFolders() =>
        Directory.EnumerateDirectories(RepositoryPaths.Plugins)
            .Where(d => File.Exists(Path.Combine(d, "plugin.json")))
            .Order(StringComparer.Ordinal)
            .Select(d => new TestCaseData(d).SetArgDisplayNames(Path.GetFileName(d)));

    private static IReadOnlyList<string> Problems(JsonObject json) => Problems(json.ToJsonString());

    private static IReadOnlyList<string> Problems(string text)
    {
        var ex = Assert.Throws<PluginManifestException>(() => PluginManifest.Parse(text, ManifestPath));
        Assert.That(ex.ManifestPath, Is.EqualTo(ManifestPath));
        return ex.Problems;
    }

    private static JsonObject ValidOnnx() => new()
    {
        ["id"] = "sample",
        ["version"] = "1.0.0",
        ["task"] = "classification",
        ["runtime"] = "onnx",
        ["model"] = "model.onnx",
        ["labels"] = new JsonArray("cat", "dog", "bird"),
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = "x",
            ["elementType"] = "float32",
            ["shape"] = new JsonArray(-1, 4),
            ["preprocessing"] = new JsonObject { ["scale"] = 0.5, ["offset"] = -1.0 },
        }),
        ["outputs"] = new JsonArray(new JsonObject { ["name"] = "probabilities", ["kind"] = "probabilities" }),
        ["license"] = "MIT",
        ["provenance"] = "made for the tests",
    };

    private static JsonObject ValidAssembly() => new()
    {
        ["id"] = "sample",
        ["version"] = "1.0.0",
        ["task"] = "classification",
        ["runtime"] = "assembly",
        ["entryPoint"] = "Sample.Plugin.dll:Sample.Plugin.SamplePlugin",
        ["labels"] = new JsonArray("cat", "dog", "bird"),
    };
}
