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
                values[created] = CreateInput(input);
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

    public void Run(IReadOnlyList<SessionInput> inputs, IReadOnlyList<SessionOutput> outputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var outputNames = new string[outputs.Count];
        var results = new OrtValue?[outputs.Count];
        var created = 0;
        try
        {
            for (; created < inputs.Count; created++)
            {
                names[created] = inputs[created].Name;
                values[created] = CreateInput(inputs[created]);
            }

            for (var i = 0; i < outputs.Count; i++)
            {
                outputNames[i] = outputs[i].Name;
            }

            _session.Run(names, values, outputNames, results, cancellationToken);
            for (var i = 0; i < outputs.Count; i++)
            {
                var data = results[i]!.GetTensorData<float>();
                var destination = outputs[i].Destination;
                if (data.Length > destination.Length)
                {
                    throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                        $"model '{ModelName}': output '{outputNames[i]}' has {data.Length} values but its destination holds {destination.Length}.", ModelName);
                }

                data.CopyTo(destination.Span);
            }
        }
        finally
        {
            for (var i = 0; i < created; i++)
            {
                values[i].Dispose();
            }

            foreach (var result in results)
            {
                result?.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();

    private static OrtValue CreateInput(SessionInput input) => input.ElementType == TensorElementType.Int64
        ? OrtValue.CreateTensor(System.Runtime.InteropServices.MemoryMarshal.AsMemory(input.Int64Data), input.Shape.ToArray())
        : OrtValue.CreateTensor(System.Runtime.InteropServices.MemoryMarshal.AsMemory(input.Data), input.Shape.ToArray());

    private static TensorSpec ToSpec(TensorInfo info) => new(info.Name, info.ElementType, info.Shape);

    public override string ToString() => $"{ModelName} ({_outputCount} outputs)";
}
