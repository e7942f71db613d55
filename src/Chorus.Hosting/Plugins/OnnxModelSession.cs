using Chorus.OnnxRuntime;
using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary><see cref="IModelSession"/> over an <see cref="InferenceSession"/>: float inputs wrapped without copying, one output copied out.</summary>
internal sealed class OnnxModelSession : IModelSession
{
    private readonly InferenceSession _session;
    private readonly int _outputCount;

    public OnnxModelSession(InferenceSession session)
    {
        _session = session;
        _outputCount = session.Outputs.Count;
        Inputs = session.Inputs.Select(ToSpec).ToArray();
        Outputs = session.Outputs.Select(ToSpec).ToArray();
    }

    public string ModelName => _session.ModelName;

    public IReadOnlyList<TensorSpec> Inputs { get; }

    public IReadOnlyList<TensorSpec> Outputs { get; }

    public string ExecutionProvider => _session.ExecutionProvider;

    public InferenceSession Session => _session;

    public IReadOnlyList<long> Run(IReadOnlyList<SessionInput> inputs, string outputName, Memory<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var created = 0;
        var outputs = new OrtValue?[1];
        try
        {
            for (; created < inputs.Count; created++)
            {
                var input = inputs[created];
                names[created] = input.Name;
                values[created] = OrtValue.CreateTensor(System.Runtime.InteropServices.MemoryMarshal.AsMemory(input.Data), input.Shape.ToArray());
            }

            _session.Run(names, values, [outputName], outputs, cancellationToken);
            var output = outputs[0]!;
            var data = output.GetTensorData<float>();
            if (data.Length > destination.Length)
            {
                throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                    $"model '{ModelName}': output '{outputName}' has {data.Length} values but the destination holds {destination.Length}.", ModelName);
            }

            data.CopyTo(destination.Span);
            return output.Shape.ToArray();
        }
        finally
        {
            for (var i = 0; i < created; i++)
            {
                values[i].Dispose();
            }

            outputs[0]?.Dispose();
        }
    }

    public void Dispose() => _session.Dispose();

    private static TensorSpec ToSpec(TensorInfo info) => new(info.Name, info.ElementType, info.Shape);

    public override string ToString() => $"{ModelName} ({_outputCount} outputs)";
}
