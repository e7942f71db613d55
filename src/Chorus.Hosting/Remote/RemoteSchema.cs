using System.Text.Json;
using Chorus.Hosting.Ensembles;

namespace Chorus.Hosting.Remote;

/// <summary>The tensor names a remote member uses, read from the remote model's v2 metadata and checked against the member.</summary>
internal sealed record RemoteSchema(string InputName, string OutputName)
{
    /// <summary>
    /// Checks a <c>$metadata_model_response</c>: one FP32 input [-1, <paramref name="sampleSize"/>] (or the member's
    /// named input) and an FP32 output [-1, labels] (the named one, the only one, or <c>scores</c>).
    /// </summary>
    /// <exception cref="FormatException">The metadata does not fit; the message says what differs and what to change.</exception>
    public static RemoteSchema Read(JsonElement metadata, RemoteMember remote, int sampleSize)
    {
        var inputs = Tensors(metadata, "inputs");
        var outputs = Tensors(metadata, "outputs");
        Tensor input;
        if (remote.InputName is { } inputName)
        {
            input = inputs.FirstOrDefault(t => t.Name == inputName)
                ?? throw new FormatException($"the remote model has no input '{inputName}' (it has {List(inputs)}); fix 'input' in the member entry");
        }
        else if (inputs.Count == 1)
        {
            input = inputs[0];
        }
        else
        {
            throw new FormatException($"the remote model has {inputs.Count} inputs ({List(inputs)}); a member sends one FP32 [batch, {sampleSize}] tensor, so name it with 'input'");
        }

        if (input.Datatype != "FP32" || input.Shape is not [-1, var size] || (size != sampleSize && size != -1))
        {
            throw new FormatException($"the remote input {input} does not fit: the ensemble sends FP32[-1, {sampleSize}] ({sampleSize} values per sample, any batch size)");
        }

        Tensor output;
        if (remote.OutputName is { } outputName)
        {
            output = outputs.FirstOrDefault(t => t.Name == outputName)
                ?? throw new FormatException($"the remote model has no output '{outputName}' (it has {List(outputs)}); fix 'output' in the member entry");
        }
        else
        {
            var numeric = outputs.Where(t => t.Datatype is "FP32" or "FP64").ToList();
            output = outputs.Count == 1 ? outputs[0]
                : numeric.Count == 1 ? numeric[0]
                : outputs.FirstOrDefault(t => t.Name == "scores")
                ?? throw new FormatException($"the remote model has outputs {List(outputs)}; name the one holding the scores with 'output'");
        }

        var labels = remote.Labels.Count;
        if (output.Datatype is not ("FP32" or "FP64") || output.Shape is not [-1, var width] || (width != labels && width != -1))
        {
            throw new FormatException($"the remote output {output} does not fit: the member declares {labels} labels, so it needs FP32[-1, {labels}] (one score per label)");
        }

        return new RemoteSchema(input.Name, output.Name);
    }

    private static List<Tensor> Tensors(JsonElement metadata, string property)
    {
        if (metadata.ValueKind != JsonValueKind.Object || !metadata.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"the model metadata has no '{property}' array; is the URL a v2 (KServe / Triton / Chorus) server?");
        }

        var tensors = new List<Tensor>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"an entry of '{property}' in the model metadata has no name");
            }

            var datatype = item.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "?";
            var shape = item.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Select(x => x.TryGetInt64(out var v) ? v : long.MinValue).ToArray()
                : [];
            tensors.Add(new Tensor(name.GetString()!, datatype, shape));
        }

        return tensors;
    }

    private static string List(List<Tensor> tensors) => tensors.Count == 0 ? "none" : string.Join(", ", tensors);

    private sealed record Tensor(string Name, string Datatype, long[] Shape)
    {
        public override string ToString() => $"'{Name}' {Datatype}[{string.Join(", ", Shape)}]";
    }
}
