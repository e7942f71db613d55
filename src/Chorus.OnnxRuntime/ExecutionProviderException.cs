namespace Chorus.OnnxRuntime;

/// <summary>An execution provider request could not be met: an unknown provider name, or (in strict mode) a preferred provider that is not available.</summary>
public sealed class ExecutionProviderException : OnnxRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ExecutionProviderException(OrtErrorCode errorCode, string message, string? modelName = null, Exception? innerException = null)
        : base(errorCode, message, modelName, innerException)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/>.</summary>
    public ExecutionProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/> and an inner exception.</summary>
    public ExecutionProviderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public ExecutionProviderException()
    {
    }
}
