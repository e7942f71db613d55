namespace Chorus.Plugins;

/// <summary>An ONNX model loaded by the host for a plugin. Safe to run from several threads.</summary>
public interface IModelSession : IDisposable
{
    /// <summary>The model's name in errors.</summary>
    string ModelName { get; }

    /// <summary>The model's inputs.</summary>
    IReadOnlyList<TensorSpec> Inputs { get; }

    /// <summary>The model's outputs.</summary>
    IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>The execution provider the session runs on.</summary>
    string ExecutionProvider { get; }

    /// <summary>
    /// Runs the model on float inputs (wrapped without copying) and copies the float output <paramref name="outputName"/>
    /// into <paramref name="destination"/>; returns that output's shape.
    /// </summary>
    IReadOnlyList<long> Run(IReadOnlyList<SessionInput> inputs, string outputName, Memory<float> destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the model once and copies several float outputs, each into its own destination (a recurrent model's score and
    /// its next state, for example). Inputs may be float or int64 (<see cref="SessionInput.FromInt64"/>).
    /// </summary>
    /// <exception cref="ChorusException">An output is larger than its destination, or the run failed; the message names the model and output.</exception>
    void Run(IReadOnlyList<SessionInput> inputs, IReadOnlyList<SessionOutput> outputs, CancellationToken cancellationToken = default);
}
