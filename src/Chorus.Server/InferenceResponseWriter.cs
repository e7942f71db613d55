using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Chorus.Server;

/// <summary>
/// Writes a v2 <c>$inference_response</c> (reference §(b)): model_name, model_version, id, parameters, outputs. Outputs
/// the request asked for as binary carry <c>parameters.binary_data_size</c> instead of <c>data</c>, and their
/// little-endian bytes go to <c>binary</c> in output order (BYTES elements as a 4-byte length, then the UTF-8 bytes).
/// </summary>
internal static class InferenceResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ServedModel model, InferenceRequest request, InferenceResult result, IBufferWriter<byte> binary)
    {
        writer.WriteStartObject();
        writer.WriteString("model_name", model.Name);
        writer.WriteString("model_version", model.Version);
        if (request.Id is not null)
        {
            writer.WriteString("id", request.Id);
        }

        if (result.Parameters.Count > 0)
        {
            writer.WriteStartObject("parameters");
            foreach (var (key, value) in result.Parameters)
            {
                switch (value)
                {
                    case bool flag:
                        writer.WriteBoolean(key, flag);
                        break;
                    case double number:
                        writer.WriteNumber(key, number);
                        break;
                    default:
                        writer.WriteString(key, value.ToString());
                        break;
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("outputs");
        foreach (var output in result.Outputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", output.Name);
            writer.WriteString("datatype", output.Datatype);
            writer.WriteStartArray("shape");
            foreach (var dimension in output.Shape)
            {
                writer.WriteNumberValue(dimension);
            }

            writer.WriteEndArray();
            if (request.IsBinary(output.Name))
            {
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", WriteBinary(output, binary));
                writer.WriteEndObject();
                writer.WriteEndObject();
                continue;
            }

            writer.WriteStartArray("data");
            if (output.Values is not null)
            {
                foreach (var value in output.Values)
                {
                    writer.WriteNumberValue(value);
                }
            }
            else
            {
                foreach (var text in output.Strings ?? [])
                {
                    writer.WriteStringValue(text);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static int WriteBinary(OutputTensor output, IBufferWriter<byte> binary)
    {
        if (output.Values is { } values)
        {
            var span = binary.GetSpan(values.Length * sizeof(float));
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(i * sizeof(float))..], values[i]);
            }

            binary.Advance(values.Length * sizeof(float));
            return values.Length * sizeof(float);
        }

        var total = 0;
        foreach (var text in output.Strings ?? [])
        {
            var length = Encoding.UTF8.GetByteCount(text);
            var span = binary.GetSpan(sizeof(int) + length);
            BinaryPrimitives.WriteInt32LittleEndian(span, length);
            Encoding.UTF8.GetBytes(text, span[sizeof(int)..]);
            binary.Advance(sizeof(int) + length);
            total += sizeof(int) + length;
        }

        return total;
    }
}
