using System.Buffers.Binary;
using System.Text.Json;

namespace Chorus.Server;

/// <summary>
/// Reads and validates a v2 <c>$inference_request</c> (reference §(b)): one input named as the model's metadata says,
/// shape [N, d1, ..., dk] with d1·…·dk = the model's sample size, data flat or nested, row-major, or sent as binary
/// tensor data after the JSON (the binary tensor data extension: <c>parameters.binary_data_size</c>, little-endian).
/// </summary>
internal static class InferenceRequestReader
{
    /// <summary>Reads the JSON header of a request.</summary>
    /// <param name="root">The JSON header.</param>
    /// <param name="model">The model the request is for.</param>
    /// <param name="maxTensorElements">The most elements one input may hold.</param>
    /// <param name="binary">The bytes after the JSON header; null when the request has no <c>Inference-Header-Content-Length</c>.</param>
    public static InferenceRequest Read(JsonElement root, ServedModel model, long maxTensorElements, ReadOnlyMemory<byte>? binary)
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
        var allBinary = false;
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

            if (parameters.TryGetProperty("binary_data_output", out var binaryOutput))
            {
                allBinary = Flag(binaryOutput, "parameter 'binary_data_output'");
            }
        }

        var binaryOutputs = new HashSet<string>(StringComparer.Ordinal);
        var requested = ReadRequestedOutputs(root, model, binaryOutputs);

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
        var samples = new float[elements];
        var binarySize = BinaryDataSize(input, name);
        var hasData = input.TryGetProperty("data", out var data);
        if (binarySize is { } size)
        {
            if (hasData)
            {
                throw ProtocolException.BadRequest($"input '{name}' has both 'data' and parameter 'binary_data_size'; send one.");
            }

            if (binary is not { } body)
            {
                throw ProtocolException.BadRequest(
                    $"input '{name}' has parameter 'binary_data_size' but the request has no 'Inference-Header-Content-Length' header giving the JSON length.");
            }

            var expected = (long)elements * BytesPer(kind, datatype);
            if (size != expected)
            {
                throw ProtocolException.BadRequest(
                    $"input '{name}': 'binary_data_size' is {size} bytes but {datatype} with the shape's {elements} element(s) takes {expected}.");
            }

            if (size != body.Length)
            {
                throw ProtocolException.BadRequest(
                    $"the binary tensor data after the JSON header is {body.Length} bytes but the inputs' 'binary_data_size' add up to {size}.");
            }

            Decode(body.Span, samples, kind, datatype, name);
        }
        else
        {
            if (!hasData || data.ValueKind != JsonValueKind.Array)
            {
                throw ProtocolException.BadRequest(
                    $"input '{name}' needs 'data', an array (flat or nested, row-major), or parameter 'binary_data_size' with binary tensor data after the JSON.");
            }

            if (binary is { Length: > 0 } extra)
            {
                throw ProtocolException.BadRequest(
                    $"the request has {extra.Length} bytes of binary tensor data after the JSON header but no input has 'binary_data_size'.");
            }

            var count = 0;
            Flatten(data, samples, ref count, kind, name, datatype);
            if (count != elements)
            {
                throw ProtocolException.BadRequest($"input '{name}': the shape holds {elements} element(s) but 'data' has {count}.");
            }
        }

        return new InferenceRequest(id, samples, batch, requested, memberScores, binaryOutputs, allBinary);
    }

    /// <summary>
    /// Raw binary mode (<c>Inference-Header-Content-Length: 0</c>): the body is one input's bytes with no JSON, treated as
    /// batch 1. The model's input is FP32, so the body must hold exactly its sample size in little-endian FP32.
    /// </summary>
    public static InferenceRequest ReadRaw(ReadOnlySpan<byte> body, ServedModel model)
    {
        var expected = (long)model.SampleSize * sizeof(float);
        if (body.Length != expected)
        {
            throw ProtocolException.BadRequest(
                $"raw binary request ('Inference-Header-Content-Length: 0'): model '{model.Name}' takes one FP32 sample of {model.SampleSize} values ({expected} bytes); the body has {body.Length}.");
        }

        var samples = new float[model.SampleSize];
        Decode(body, samples, NumberKind.Real, "FP32", model.InputName);
        return new InferenceRequest(null, samples, 1, null, false, new HashSet<string>(StringComparer.Ordinal), false);
    }

    private static long? BinaryDataSize(JsonElement input, string name)
    {
        if (!input.TryGetProperty("parameters", out var parameters))
        {
            return null;
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw ProtocolException.BadRequest($"input '{name}': 'parameters' must be an object.");
        }

        if (!parameters.TryGetProperty("binary_data_size", out var size))
        {
            return null;
        }

        return size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out var bytes) && bytes >= 0
            ? bytes
            : throw ProtocolException.BadRequest($"input '{name}': parameter 'binary_data_size' must be a non-negative integer (bytes).");
    }

    private static int BytesPer(NumberKind kind, string datatype) => kind switch
    {
        NumberKind.Real => datatype == "FP64" ? sizeof(double) : sizeof(float),
        NumberKind.Int32 => sizeof(int),
        NumberKind.Int64 => sizeof(long),
        _ => sizeof(byte),
    };

    /// <summary>Converts little-endian tensor bytes to FP32; the caller checked that the length matches.</summary>
    private static void Decode(ReadOnlySpan<byte> bytes, Span<float> destination, NumberKind kind, string datatype, string name)
    {
        var width = BytesPer(kind, datatype);
        for (var i = 0; i < destination.Length; i++)
        {
            var item = bytes.Slice(i * width, width);
            var value = kind switch
            {
                NumberKind.Real when width == sizeof(double) => (float)BinaryPrimitives.ReadDoubleLittleEndian(item),
                NumberKind.Real => BinaryPrimitives.ReadSingleLittleEndian(item),
                NumberKind.Int32 => BinaryPrimitives.ReadInt32LittleEndian(item),
                NumberKind.Int64 => BinaryPrimitives.ReadInt64LittleEndian(item),
                _ => item[0],
            };
            if (!float.IsFinite(value))
            {
                throw ProtocolException.BadRequest($"input '{name}': binary element {i} is not a finite {datatype} value within the FP32 range.");
            }

            destination[i] = value;
        }
    }

    private static bool Flag(JsonElement value, string what) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ProtocolException.BadRequest($"{what} must be true or false."),
    };

    private static List<string>? ReadRequestedOutputs(JsonElement root, ServedModel model, HashSet<string> binaryOutputs)
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
            if (output.TryGetProperty("parameters", out var parameters))
            {
                if (parameters.ValueKind != JsonValueKind.Object)
                {
                    throw ProtocolException.BadRequest($"output '{name}': 'parameters' must be an object.");
                }

                if (parameters.TryGetProperty("binary_data", out var binary) && Flag(binary, $"output '{name}': parameter 'binary_data'"))
                {
                    binaryOutputs.Add(name);
                }
            }
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
