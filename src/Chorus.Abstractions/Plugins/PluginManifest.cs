using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chorus.Plugins;

/// <summary>
/// A plugin's <c>plugin.json</c>: identity, task, labels, inputs and outputs, how it runs, and its licence and provenance.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "id": "digits-logreg", "version": "1.0.0", "task": "classification", "runtime": "onnx",
///   "model": "model.onnx",
///   "labels": ["0", "1", ...],
///   "inputs": [ { "name": "pixels", "elementType": "float32", "shape": [-1, 64],
///                 "preprocessing": { "scale": 0.0625, "offset": 0.0 } } ],
///   "outputs": [ { "name": "probabilities", "kind": "probabilities" } ],
///   "license": "...", "provenance": "PROVENANCE.md"
/// }
/// </code>
/// Assembly plugins add <c>"entryPoint": "Some.Plugin.dll:Some.Plugin.TypeName"</c> (the path relative to the plugin folder);
/// native plugins add <c>"library": "name"</c> and an optional <c>"config"</c> object passed to the library.
/// </remarks>
public sealed partial record PluginManifest
{
    /// <summary>Unique plugin id: lower-case letters, digits, '.', '_' and '-'.</summary>
    public required string Id { get; init; }

    /// <summary>The plugin's version.</summary>
    public required string Version { get; init; }

    /// <summary>What the model predicts.</summary>
    public required ModelTask Task { get; init; }

    /// <summary>How the model runs.</summary>
    public required PluginRuntime Runtime { get; init; }

    /// <summary>The ONNX file, relative to the plugin folder (ONNX plugins; optional for assembly plugins).</summary>
    public string? Model { get; init; }

    /// <summary>For assembly plugins: the assembly path (relative to the plugin folder) and the type implementing <see cref="IModelPlugin"/>.</summary>
    public string? EntryPoint { get; init; }

    /// <summary>
    /// For native plugins: the library's base name (<c>digits_knn</c> is <c>libdigits_knn.so</c> on Linux,
    /// <c>digits_knn.dll</c> on Windows, <c>libdigits_knn.dylib</c> on macOS), in the plugin folder.
    /// </summary>
    public string? Library { get; init; }

    /// <summary>The manifest's <c>config</c> object as JSON text (<c>{}</c> when absent), handed to native plugins at creation.</summary>
    public string Config { get; init; } = "{}";

    /// <summary>The model's output classes, in the order of its score columns.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The model's inputs.</summary>
    public IReadOnlyList<ManifestInput> Inputs { get; init; } = [];

    /// <summary>The model's outputs; the first is the score output.</summary>
    public IReadOnlyList<ManifestOutput> Outputs { get; init; } = [];

    /// <summary>The licence of the model and of its training data.</summary>
    public string? License { get; init; }

    /// <summary>Where the model came from (a file in the plugin folder, or text).</summary>
    public string? Provenance { get; init; }

    /// <summary>The folder the manifest was read from (set by <see cref="Load"/>).</summary>
    public string Directory { get; init; } = string.Empty;

    /// <summary>The manifest file's path (set by <see cref="Load"/>).</summary>
    public string ManifestPath { get; init; } = string.Empty;

    /// <summary>The full path of <see cref="Model"/>, or null.</summary>
    public string? ModelPath => Model is null ? null : Path.GetFullPath(Path.Combine(Directory, Model));

    /// <summary>Reads and validates <c>plugin.json</c> in a plugin folder.</summary>
    /// <exception cref="PluginManifestException">The file is missing, is not JSON, or breaks the rules; every problem is listed.</exception>
    public static PluginManifest Load(string pluginDirectory)
    {
        var path = Path.GetFullPath(Path.Combine(pluginDirectory, "plugin.json"));
        if (!File.Exists(path))
        {
            throw new PluginManifestException(path, ["the file is missing; every plugin folder needs a plugin.json"]);
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new PluginManifestException(path, [$"cannot be read: {ex.Message}"], null, ex);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates manifest text; <paramref name="manifestPath"/> names it in errors and anchors relative paths.</summary>
    public static PluginManifest Parse(string json, string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new PluginManifestException(manifestPath,
                [$"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ManifestText.JsonErrorText(ex)}"], null, ex);
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PluginManifestException(manifestPath, ["must be a JSON object"]);
            }

            var id = Text(root, "id", problems, required: true);
            if (id is not null && !IdPattern().IsMatch(id))
            {
                problems.Add($"id '{id}' may hold only lower-case letters, digits, '.', '_' and '-' (it names folders and URLs)");
            }

            var version = Text(root, "version", problems, required: true);
            var task = EnumValue(root, "task", problems, ModelTask.Classification);
            var runtime = EnumValue(root, "runtime", problems, PluginRuntime.Onnx);
            var model = Text(root, "model", problems, required: runtime == PluginRuntime.Onnx);
            var entryPoint = Text(root, "entryPoint", problems, required: runtime == PluginRuntime.Assembly);
            var library = Text(root, "library", problems, required: runtime == PluginRuntime.Native);
            if (library is not null && (library.IndexOfAny(['/', '\\', ':']) >= 0 || library.Contains("..", StringComparison.Ordinal)))
            {
                problems.Add($"library '{library}' must be a bare name such as 'digits_knn' (the host adds lib/.so, .dll or .dylib and looks in the plugin folder)");
            }

            var config = "{}";
            if (root.TryGetProperty("config", out var configElement))
            {
                if (configElement.ValueKind == JsonValueKind.Object)
                {
                    config = configElement.GetRawText();
                }
                else
                {
                    problems.Add("'config' must be a JSON object");
                }
            }
            if (entryPoint is not null && (entryPoint.IndexOf(':', StringComparison.Ordinal) is var colon && (colon <= 0 || colon == entryPoint.Length - 1)))
            {
                problems.Add($"entryPoint '{entryPoint}' must read 'Assembly.dll:Namespace.TypeName'");
            }

            foreach (var relative in new[] { model, entryPoint?.Split(':')[0] })
            {
                if (relative is not null && (Path.IsPathRooted(relative) || relative.Split('/', '\\').Contains("..")))
                {
                    problems.Add($"'{relative}' must be a path inside the plugin folder (no absolute paths, no '..')");
                }
            }

            var labels = Strings(root, "labels", problems);
            if (task == ModelTask.Classification && labels.Count == 0)
            {
                problems.Add("'labels' must list the classes of a classification model, in the order of its score columns");
            }

            var duplicates = labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                problems.Add($"'labels' lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once");
            }

            var inputs = ReadInputs(root, problems);
            var outputs = ReadOutputs(root, problems);
            if (runtime == PluginRuntime.Onnx && inputs.Count != 1)
            {
                problems.Add("a manifest-only ONNX plugin declares exactly one input in 'inputs' (the one that takes the data)");
            }

            if (runtime == PluginRuntime.Onnx && outputs.Count == 0)
            {
                problems.Add("a manifest-only ONNX plugin declares its score output in 'outputs'");
            }

            var license = Text(root, "license", problems, required: false);
            var provenance = Text(root, "provenance", problems, required: false);
            if (problems.Count > 0)
            {
                throw new PluginManifestException(manifestPath, problems, id);
            }

            return new PluginManifest
            {
                Id = id!,
                Version = version!,
                Task = task,
                Runtime = runtime,
                Model = model,
                EntryPoint = entryPoint,
                Library = library,
                Config = config,
                Labels = labels,
                Inputs = inputs,
                Outputs = outputs,
                License = license,
                Provenance = provenance,
                Directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath)) ?? string.Empty,
                ManifestPath = Path.GetFullPath(manifestPath),
            };
        }
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]*\z")]
    private static partial Regex IdPattern();

    private static string? Text(JsonElement root, string name, List<string> problems, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add($"'{name}' is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            problems.Add($"'{name}' must be a non-empty string");
            return null;
        }

        return value.GetString();
    }

    private static T EnumValue<T>(JsonElement root, string name, List<string> problems, T fallback)
        where T : struct, Enum
    {
        var text = Text(root, name, problems, required: true);
        if (text is null)
        {
            return fallback;
        }

        if (ManifestText.TryParseName<T>(text, out var value))
        {
            return value;
        }

        problems.Add($"'{name}' is '{text}'; use one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return fallback;
    }

    private static List<string> Strings(JsonElement root, string name, List<string> problems)
    {
        var result = new List<string>();
        if (!root.TryGetProperty(name, out var array))
        {
            return result;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"'{name}' must be an array of strings");
            return result;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(item.GetString()))
            {
                result.Add(item.GetString()!);
            }
            else
            {
                problems.Add($"'{name}' must hold only non-empty strings (found {item.GetRawText()})");
            }
        }

        return result;
    }

    private static List<ManifestInput> ReadInputs(JsonElement root, List<string> problems)
    {
        var result = new List<ManifestInput>();
        foreach (var (item, index) in Items(root, "inputs", problems))
        {
            var where = $"inputs[{index}]";
            var name = Text(item, "name", problems, required: true);
            var elementType = Text(item, "elementType", problems, required: false) ?? "float32";
            var shape = new List<long>();
            if (item.TryGetProperty("shape", out var shapeElement) && shapeElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var dim in shapeElement.EnumerateArray())
                {
                    if (dim.ValueKind == JsonValueKind.Number && dim.TryGetInt64(out var value) && value >= -1 && value != 0)
                    {
                        shape.Add(value);
                    }
                    else
                    {
                        problems.Add($"{where}.shape holds {dim.GetRawText()}; dimensions are positive integers, or -1 for the batch");
                    }
                }
            }
            else
            {
                problems.Add($"{where}.shape is required: the input's dimensions, -1 for the batch (e.g. [-1, 64])");
            }

            var preprocessing = new Preprocessing();
            if (item.TryGetProperty("preprocessing", out var pre) && pre.ValueKind == JsonValueKind.Object)
            {
                preprocessing = new Preprocessing(Number(pre, "scale", 1.0, where, problems), Number(pre, "offset", 0.0, where, problems));
            }

            result.Add(new ManifestInput(name ?? string.Empty, elementType, shape, preprocessing));
        }

        return result;
    }

    private static List<ManifestOutput> ReadOutputs(JsonElement root, List<string> problems)
    {
        var result = new List<ManifestOutput>();
        foreach (var (item, index) in Items(root, "outputs", problems))
        {
            var name = Text(item, "name", problems, required: true);
            var kind = item.TryGetProperty("kind", out _) ? EnumValue(item, "kind", problems, OutputKind.Probabilities) : OutputKind.Probabilities;
            result.Add(new ManifestOutput(name ?? $"outputs[{index}]", kind));
        }

        return result;
    }

    private static IEnumerable<(JsonElement Item, int Index)> Items(JsonElement root, string name, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"'{name}' must be an array of objects");
            return [];
        }

        var items = array.EnumerateArray().Select((item, index) => (item, index)).ToList();
        foreach (var (item, index) in items.Where(p => p.item.ValueKind != JsonValueKind.Object))
        {
            problems.Add($"{name}[{index}] must be an object");
        }

        return items.Where(p => p.item.ValueKind == JsonValueKind.Object);
    }

    private static double Number(JsonElement item, string name, double fallback, string where, List<string> problems)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()))
        {
            return value.GetDouble();
        }

        problems.Add($"{where}.preprocessing.{name} must be a finite number");
        return fallback;
    }
}
