namespace Chorus.OnnxRuntime;

/// <summary>A model could not be loaded: a missing file, bytes that are not an ONNX model, or a graph ONNX Runtime rejects.</summary>
public sealed class ModelLoadException : OnnxRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ModelLoadException(OrtErrorCode errorCode, string message, string? modelName = null, Exception? innerException = null)
        : base(errorCode, message, modelName, innerException)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/>.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/> and an inner exception.</summary>
    public ModelLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public ModelLoadException()
    {
    }
}
