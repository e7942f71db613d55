using System.Text.Json;

namespace Chorus.Server;

/// <summary>
/// Reads and validates a v2 <c>$inference_request</c> (reference §(b)): one input named as the model's metadata says,
/// shape [N, d1, ..., dk] with d1·…·dk = the model's sample size, data flat or nested, row-major.
/// </summary>
internal static class InferenceRequestReader
{
    public static InferenceRequest Read(JsonElement root, ServedModel model, long maxTensorElements)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ProtocolException.BadRequest("the inference request must be a JSON object with 'inputs'.");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            id = idElement.ValueKind == JsonValueKind.String
                ? idElement.GetString()
                : throw ProtocolException.BadRequest("'id' must be a string.");
        }

        var memberScores = false;
        if (root.TryGetProperty("parameters", out var parameters))
        {
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                throw ProtocolException.BadRequest("'parameters' must be an object.");
            }

            if (parameters.TryGetProperty("member_scores", out var flag))
            {
                memberScores = flag.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw ProtocolException.BadRequest("parameter 'member_scores' must be true or false."),
                };
            }
        }

        var requested = ReadRequestedOutputs(root, model);

        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
        {
            throw ProtocolException.BadRequest("the request needs 'inputs', an array with one input.");
        }

        if (inputs.GetArrayLength() != 1)
        {
            throw ProtocolException.BadRequest($"model '{model.Name}' takes one input, '{model.InputName}'; the request has {inputs.GetArrayLength()}.");
        }

        var input = inputs[0];
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw ProtocolException.BadRequest("each input must be an object with 'name', 'shape', 'datatype' and 'data'.");
        }

        var name = RequiredString(input, "name", "input");
        if (name != model.InputName)
        {
            throw ProtocolException.BadRequest($"model '{model.Name}' has no input '{name}'; its input is '{model.InputName}'.");
        }

        var datatype = RequiredString(input, "datatype", $"input '{name}'");
        var kind = datatype switch
        {
            "FP32" or "FP64" => NumberKind.Real,
            "INT32" => NumberKind.Int32,
            "INT64" => NumberKind.Int64,
            "UINT8" => NumberKind.UInt8,
            _ => throw ProtocolException.BadRequest(
                $"input '{name}': datatype '{datatype}' is not supported; use FP32, FP64, INT32, INT64 or UINT8 (converted to FP32)."),
        };

        var (batch, elements) = ReadShape(input, name, model, maxTensorElements);
        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw ProtocolException.BadRequest($"input '{name}' needs 'data', an array (flat or nested, row-major). Binary tensor data is not supported.");
        }

        var samples = new float[elements];
        var count = 0;
        Flatten(data, samples, ref count, kind, name, datatype);
        if (count != elements)
        {
            throw ProtocolException.BadRequest($"input '{name}': the shape holds {elements} element(s) but 'data' has {count}.");
        }

        return new InferenceRequest(id, samples, batch, requested, memberScores);
    }

    private static List<string>? ReadRequestedOutputs(JsonElement root, ServedModel model)
    {
        if (!root.TryGetProperty("outputs", out var outputs))
        {
            return null;
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw ProtocolException.BadRequest("'outputs' must be an array of {\"name\": ...}.");
        }

        var names = new List<string>(outputs.GetArrayLength());
        foreach (var output in outputs.EnumerateArray())
        {
            var name = output.ValueKind == JsonValueKind.Object ? RequiredString(output, "name", "each output") : throw ProtocolException.BadRequest("each output must be an object with 'name'.");
            if (!model.HasOutput(name))
            {
                throw ProtocolException.BadRequest(
                    $"model '{model.Name}' has no output '{name}'; it has {string.Join(", ", model.Outputs.Select(o => $"'{o.Name}'"))}.");
            }

            names.Add(name);
        }

        return names;
    }

    private static (int Batch, int Elements) ReadShape(JsonElement input, string name, ServedModel model, long maxTensorElements)
    {
        if (!input.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array || shape.GetArrayLength() < 2)
        {
            throw ProtocolException.BadRequest(
                $"input '{name}' needs 'shape' [batch, {model.SampleSize}] (or [batch, d1, ..., dk] with d1·…·dk = {model.SampleSize}).");
        }

        long total = 1;
        long perSample = 1;
        var index = 0;
        foreach (var dimension in shape.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var size) || size < 0)
            {
                throw ProtocolException.BadRequest($"input '{name}': shape dimensions must be non-negative integers.");
            }

            // Saturate instead of overflowing: anything over the limit is rejected below.
            total = size == 0 ? 0 : total > long.MaxValue / size ? long.MaxValue : total * size;
            if (index++ > 0)
            {
                perSample = size == 0 ? 0 : perSample > long.MaxValue / size ? long.MaxValue : perSample * size;
            }
        }

        if (total > maxTensorElements || total > Array.MaxLength)
        {
            throw ProtocolException.BadRequest($"input '{name}': the shape holds {total} elements; the server accepts at most {maxTensorElements}.");
        }

        if (perSample != model.SampleSize)
        {
            throw ProtocolException.BadRequest(
                $"input '{name}': model '{model.Name}' takes {model.SampleSize} values per sample (shape [batch, {model.SampleSize}]); the shape gives {perSample}.");
        }

        var batch = shape[0].GetInt64();
        if (batch < 1)
        {
            throw ProtocolException.BadRequest($"input '{name}': the batch (first dimension) must be at least 1.");
        }

        return ((int)batch, (int)total);
    }

    private static void Flatten(JsonElement element, float[] destination, ref int count, NumberKind kind, string name, string datatype)
    {
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, destination, ref count, kind, name, datatype);
                continue;
            }

            if (count >= destination.Length)
            {
                // Keep counting without storing, so the error can say how many values came.
                count++;
                continue;
            }

            destination[count++] = ToFloat(item, kind, name, datatype, count - 1);
        }
    }

    private static float ToFloat(JsonElement item, NumberKind kind, string name, string datatype, int position)
    {
        if (item.ValueKind != JsonValueKind.Number)
        {
            throw ProtocolException.BadRequest($"input '{name}': element {position} is {item.ValueKind.ToString().ToLowerInvariant()}, not a {datatype} number.");
        }

        switch (kind)
        {
            case NumberKind.Real:
                var value = (float)item.GetDouble();
                return float.IsFinite(value)
                    ? value
                    : throw ProtocolException.BadRequest($"input '{name}': element {position} is outside the FP32 range.");
            case NumberKind.Int32 when item.TryGetInt32(out var i32):
                return i32;
            case NumberKind.Int64 when item.TryGetInt64(out var i64):
                return i64;
            case NumberKind.UInt8 when item.TryGetByte(out var u8):
                return u8;
            default:
                throw ProtocolException.BadRequest($"input '{name}': element {position} ({item.GetRawText()}) is not a valid {datatype} value.");
        }
    }

    private static string RequiredString(JsonElement element, string property, string what) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ProtocolException.BadRequest($"{what} needs '{property}', a string.");

    private enum NumberKind
    {
        Real,
        Int32,
        Int64,
        UInt8,
    }
}
