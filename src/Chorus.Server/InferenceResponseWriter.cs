using System.Text.Json;

namespace Chorus.Server;

/// <summary>Writes a v2 <c>$inference_response</c> (reference §(b)): model_name, model_version, id, parameters, outputs.</summary>
internal static class InferenceResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ServedModel model, InferenceRequest request, InferenceResult result)
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
}
