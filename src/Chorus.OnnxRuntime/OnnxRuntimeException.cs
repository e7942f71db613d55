namespace Chorus.OnnxRuntime;

/// <summary>
/// An error reported by ONNX Runtime, or found by Chorus before calling it. <see cref="ErrorCode"/> is ONNX Runtime's own code
/// (not only part of the message text), so callers can branch on it.
/// </summary>
public class OnnxRuntimeException : ChorusException
{
    /// <summary>Creates an exception with an ONNX Runtime error code.</summary>
    public OnnxRuntimeException(OrtErrorCode errorCode, string message, string? modelName = null, Exception? innerException = null)
        : base(message, modelName, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Creates an exception with <see cref="OrtErrorCode.Fail"/>.</summary>
    public OnnxRuntimeException(string message)
        : this(OrtErrorCode.Fail, message)
    {
    }

    /// <summary>Creates an exception with <see cref="OrtErrorCode.Fail"/> and an inner exception.</summary>
    public OnnxRuntimeException(string message, Exception? innerException)
        : this(OrtErrorCode.Fail, message, null, innerException)
    {
    }

    /// <summary>Creates an exception with no message (prefer the constructors that take one).</summary>
    public OnnxRuntimeException()
        : this(OrtErrorCode.Fail, "ONNX Runtime failed.")
    {
    }

    /// <summary>ONNX Runtime's error code.</summary>
    public OrtErrorCode ErrorCode { get; }
}
