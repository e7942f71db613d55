using System.Globalization;
using System.Text.Json;

namespace Chorus.Fusion;

/// <summary>
/// The JSON file of a <see cref="StackingModel"/>, written and read field by field (no reflection, so it trims and
/// AOT-compiles, and every defect gets its own message).
/// </summary>
/// <remarks>
/// Version 1:
/// <code>
/// {
///   "format": "chorus.stacking", "formatVersion": 1,
///   "memberIds": ["a", "b"], "classLabels": ["cat", "dog", "bird"],
///   "featureCount": 6, "classCount": 3, "c": 1.0,
///   "selection": { "folds": 5, "cGrid": [0.01, ...], "crossValidationLogLoss": [0.52, ...] },
///   "intercepts": [K numbers], "coefficients": [K rows of featureCount numbers]
/// }
/// </code>
/// Numbers are written in the shortest form that reads back to the same double.
/// </remarks>
internal static class StackingModelFormat
{
    public const string FormatName = "chorus.stacking";

    public const int FormatVersion = 1;

    public static void Write(StackingModel model, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("formatVersion", FormatVersion);
        WriteStrings(writer, "memberIds", model.MemberIds);
        WriteStrings(writer, "classLabels", model.ClassLabels);
        writer.WriteNumber("featureCount", model.FeatureCount);
        writer.WriteNumber("classCount", model.ClassCount);
        writer.WriteNumber("c", model.C);
        writer.WriteStartObject("selection");
        writer.WriteNumber("folds", model.Folds);
        WriteNumbers(writer, "cGrid", model.CGrid, 0, model.CGrid.Count);
        WriteNumbers(writer, "crossValidationLogLoss", model.CrossValidationLogLoss, 0, model.CrossValidationLogLoss.Count);
        writer.WriteEndObject();
        WriteNumbers(writer, "intercepts", model.Intercepts, 0, model.ClassCount);
        writer.WriteStartArray("coefficients");
        for (var k = 0; k < model.ClassCount; k++)
        {
            WriteNumbers(writer, null, model.Coefficients, k * model.FeatureCount, model.FeatureCount);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static StackingModel Read(Stream stream, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw Corrupt(source, $"it is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(source, "it is not a JSON object");
            }

            var format = Property(root, "format", JsonValueKind.String, source).GetString();
            if (format != FormatName)
            {
                throw Corrupt(source, $"its format is '{format}', not '{FormatName}'");
            }

            var version = Int(root, "formatVersion", source);
            if (version != FormatVersion)
            {
                throw new FusionConfigurationException(
                    $"{source}: stacking model format version {version} cannot be read; this version of Chorus reads version {FormatVersion}. "
                    + (version > FormatVersion ? "Update Chorus, or refit the model with this version." : "Refit the model."));
            }

            var memberIds = Strings(root, "memberIds", source);
            var classLabels = Strings(root, "classLabels", source);
            var featureCount = Int(root, "featureCount", source);
            var classCount = Int(root, "classCount", source);
            if (featureCount < 1 || classCount < 2)
            {
                throw Corrupt(source, $"featureCount {featureCount} and classCount {classCount} must be at least 1 and 2");
            }

            if (memberIds.Length > 0 && memberIds.Length * classCount != featureCount)
            {
                throw Corrupt(source, $"{memberIds.Length} members × {classCount} classes do not make its {featureCount} features");
            }

            if (classLabels.Length > 0 && classLabels.Length != classCount)
            {
                throw Corrupt(source, $"it lists {classLabels.Length} class labels for {classCount} classes");
            }

            CheckUnique(memberIds, "memberIds", source);
            CheckUnique(classLabels, "classLabels", source);

            var c = Number(Property(root, "c", JsonValueKind.Number, source), "c", source);
            if (!(c > 0))
            {
                throw Corrupt(source, $"its C is {c.ToString(CultureInfo.InvariantCulture)}; C must be above 0");
            }

            var selection = Property(root, "selection", JsonValueKind.Object, source);
            var folds = Int(selection, "folds", source);
            var grid = Numbers(Property(selection, "cGrid", JsonValueKind.Array, source), "selection.cGrid", source);
            var crossValidation = Numbers(Property(selection, "crossValidationLogLoss", JsonValueKind.Array, source), "selection.crossValidationLogLoss", source);
            if (crossValidation.Length != 0 && crossValidation.Length != grid.Length)
            {
                throw Corrupt(source, $"selection lists {crossValidation.Length} cross-validation losses for {grid.Length} C values");
            }

            var intercepts = Numbers(Property(root, "intercepts", JsonValueKind.Array, source), "intercepts", source);
            if (intercepts.Length != classCount)
            {
                throw Corrupt(source, $"it has {intercepts.Length} intercepts for {classCount} classes");
            }

            var rows = Property(root, "coefficients", JsonValueKind.Array, source);
            if (rows.GetArrayLength() != classCount)
            {
                throw Corrupt(source, $"it has {rows.GetArrayLength()} coefficient rows for {classCount} classes");
            }

            var coefficients = new double[classCount * featureCount];
            var k = 0;
            foreach (var row in rows.EnumerateArray())
            {
                var values = row.ValueKind == JsonValueKind.Array
                    ? Numbers(row, $"coefficients[{k}]", source)
                    : throw Corrupt(source, $"coefficients[{k}] is not an array");
                if (values.Length != featureCount)
                {
                    throw Corrupt(source, $"coefficients[{k}] has {values.Length} values for {featureCount} features");
                }

                values.CopyTo(coefficients, k * featureCount);
                k++;
            }

            return new StackingModel(featureCount, classCount, c, coefficients, intercepts, memberIds, classLabels, grid, crossValidation, folds);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string? name, IReadOnlyList<double> values, int start, int count)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }

        for (var i = start; i < start + count; i++)
        {
            writer.WriteNumberValue(values[i]);
        }

        writer.WriteEndArray();
    }

    private static JsonElement Property(JsonElement parent, string name, JsonValueKind kind, string source)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            throw Corrupt(source, $"the field '{name}' is missing");
        }

        if (value.ValueKind != kind)
        {
            throw Corrupt(source, $"the field '{name}' is {value.ValueKind}, not {kind}");
        }

        return value;
    }

    private static int Int(JsonElement parent, string name, string source)
    {
        var value = Property(parent, name, JsonValueKind.Number, source);
        return value.TryGetInt32(out var result) ? result : throw Corrupt(source, $"the field '{name}' is not an integer");
    }

    private static double Number(JsonElement value, string name, string source)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var result) || !double.IsFinite(result))
        {
            throw Corrupt(source, $"'{name}' holds {value.GetRawText()}, not a finite number");
        }

        return result;
    }

    private static double[] Numbers(JsonElement array, string name, string source)
    {
        var result = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result[i] = Number(item, $"{name}[{i}]", source);
            i++;
        }

        return result;
    }

    private static string[] Strings(JsonElement parent, string name, string source)
    {
        var array = Property(parent, name, JsonValueKind.Array, source);
        var result = new string[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result[i] = item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw Corrupt(source, $"'{name}[{i}]' is {item.ValueKind}, not a string");
            i++;
        }

        return result;
    }

    private static void CheckUnique(string[] values, string name, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!seen.Add(value))
            {
                throw Corrupt(source, $"'{name}' lists '{value}' twice");
            }
        }
    }

    private static FusionConfigurationException Corrupt(string source, string problem, Exception? inner = null)
    {
        return new FusionConfigurationException(
            $"{source}: not a usable stacking model file: {problem}. Refit it (chorus fit) or restore the file that was saved.", inner);
    }
}
