using System.Buffers;
using Chorus.OnnxRuntime;
using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary>
/// A manifest-only ONNX plugin: the host scales the raw samples as the manifest says, runs the model, and reads the declared
/// score output (applying a softmax to logits).
/// </summary>
internal sealed class OnnxManifestModel : IModel
{
    private readonly InferenceSession _session;
    private readonly ManifestInput _input;
    private readonly ManifestOutput _output;
    private readonly long[] _sampleShape;
    private readonly int _classCount;

    private OnnxManifestModel(PluginManifest manifest, InferenceSession session)
    {
        Id = manifest.Id;
        Task = manifest.Task;
        Labels = manifest.Labels;
        _session = session;
        _input = manifest.Inputs[0];
        _output = manifest.Outputs[0];
        _sampleShape = _input.Shape.Skip(1).ToArray();
        SampleSize = _input.SampleSize;
        _classCount = manifest.Task == ModelTask.Classification ? manifest.Labels.Count : ScoreWidth(session, _output.Name);
    }

    public string Id { get; }

    public ModelTask Task { get; }

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize { get; }

    /// <summary>Loads the model and checks it against the manifest, so mismatches surface at load, not at the first request.</summary>
    public static OnnxManifestModel Load(PluginManifest manifest, OnnxSessionFactory sessions)
    {
        var modelPath = manifest.ModelPath!;
        if (!File.Exists(modelPath))
        {
            throw new PluginLoadException(manifest.Id, $"plugin '{manifest.Id}' ({manifest.ManifestPath}): model file '{modelPath}' is missing. Put the .onnx file there or fix 'model' in plugin.json.");
        }

        var session = sessions.OpenSession(modelPath, manifest.Id);
        try
        {
            Validate(manifest, session);
            return new OnnxManifestModel(manifest, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var count = batchSize * SampleSize;
        if (samples.Length != count)
        {
            throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                $"plugin '{Id}': {batchSize} sample(s) of {SampleSize} values need {count} values, got {samples.Length}.", Id);
        }

        if (scores.Length < batchSize * _classCount)
        {
            throw new ArgumentException($"plugin '{Id}': the score buffer holds {scores.Length} values; {batchSize * _classCount} are needed.", nameof(scores));
        }

        var buffer = ArrayPool<float>.Shared.Rent(count);
        try
        {
            var scale = (float)_input.Preprocessing.Scale;
            var offset = (float)_input.Preprocessing.Offset;
            var source = samples.Span;
            for (var i = 0; i < count; i++)
            {
                buffer[i] = (source[i] * scale) + offset;
            }

            var shape = new long[_sampleShape.Length + 1];
            shape[0] = batchSize;
            _sampleShape.CopyTo(shape, 1);
            using var input = OrtValue.CreateTensor(buffer.AsMemory(0, count), shape);
            var outputs = new OrtValue?[1];
            _session.Run([_input.Name], [input], [_output.Name], outputs, cancellationToken);
            using var output = outputs[0]!;
            var values = output.GetTensorData<float>();
            var destination = scores.Span[..(batchSize * _classCount)];
            values[..destination.Length].CopyTo(destination);
            if (_output.Kind == OutputKind.Logits)
            {
                for (var row = 0; row < batchSize; row++)
                {
                    Softmax(destination.Slice(row * _classCount, _classCount));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _session.Dispose();

    private static void Validate(PluginManifest manifest, InferenceSession session)
    {
        var problems = new List<string>();
        var declared = manifest.Inputs[0];
        var input = session.Inputs.FirstOrDefault(i => i.Name == declared.Name);
        if (input is null)
        {
            problems.Add($"input '{declared.Name}' is not in the model (its inputs: {string.Join(", ", session.Inputs)})");
        }
        else
        {
            if (input.ElementType != TensorElementType.Float)
            {
                problems.Add($"input '{declared.Name}' is {input.TypeText} in the model; manifest-only plugins feed float32");
            }

            var modelShape = input.Shape;
            if (modelShape.Count != declared.Shape.Count
                || modelShape.Zip(declared.Shape).Skip(1).Any(p => p.First >= 0 && p.First != p.Second))
            {
                problems.Add($"input '{declared.Name}' is {input.TypeText} in the model, but plugin.json declares shape [{string.Join(",", declared.Shape)}]");
            }
        }

        var declaredOutput = manifest.Outputs[0];
        var output = session.Outputs.FirstOrDefault(o => o.Name == declaredOutput.Name);
        if (output is null)
        {
            problems.Add($"output '{declaredOutput.Name}' is not in the model (its outputs: {string.Join(", ", session.Outputs)})");
        }
        else if (manifest.Task == ModelTask.Classification && output.Shape.Count > 0 && output.Shape[^1] >= 0 && output.Shape[^1] != manifest.Labels.Count)
        {
            problems.Add($"output '{declaredOutput.Name}' has {output.Shape[^1]} columns but plugin.json lists {manifest.Labels.Count} labels");
        }

        if (problems.Count > 0)
        {
            throw new PluginLoadException(manifest.Id, $"plugin '{manifest.Id}' ({manifest.ManifestPath}): {string.Join("; ", problems)}.");
        }
    }

    private static int ScoreWidth(InferenceSession session, string outputName)
    {
        var shape = session.Outputs.First(o => o.Name == outputName).Shape;
        return shape.Count > 0 && shape[^1] > 0 ? (int)shape[^1] : 1;
    }

    private static void Softmax(Span<float> row)
    {
        var max = float.NegativeInfinity;
        foreach (var value in row)
        {
            max = Math.Max(max, value);
        }

        var sum = 0.0;
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = MathF.Exp(row[i] - max);
            sum += row[i];
        }

        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (float)(row[i] / sum);
        }
    }
}
