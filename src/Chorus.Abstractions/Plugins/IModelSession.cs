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
}
