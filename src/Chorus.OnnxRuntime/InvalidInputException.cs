namespace Chorus.OnnxRuntime;

/// <summary>The inputs given to a run do not match the model: an unknown or missing input name, a wrong element type, rank or shape, or a buffer of the wrong length. Nothing was run; the session stays usable.</summary>
public sealed class InvalidInputException : OnnxRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public InvalidInputException(OrtErrorCode errorCode, string message, string? modelName = null, Exception? innerException = null)
        : base(errorCode, message, modelName, innerException)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/>.</summary>
    public InvalidInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <see cref="OrtErrorCode.Fail"/> and an inner exception.</summary>
    public InvalidInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public InvalidInputException()
    {
    }
}
