using System.Runtime.CompilerServices;

namespace Chorus.OnnxRuntime.Interop;

/// <summary>The one place every <c>OrtStatus*</c> goes through: read, free (always, in <c>finally</c>), throw.</summary>
internal static unsafe class OrtStatus
{
    /// <summary>Throws an <see cref="OnnxRuntimeException"/> carrying ONNX Runtime's error code if <paramref name="status"/> is not NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Check(nint status, string? modelName = null)
    {
        if (status != 0)
        {
            Throw(status, modelName);
        }
    }

    /// <summary>Frees a failed status and returns its code and message, for callers that translate the error themselves.</summary>
    public static (OrtErrorCode Code, string Message) Take(nint status)
    {
        try
        {
            var code = (OrtErrorCode)OrtApi.GetErrorCode(status);
            var message = NativeText.FromUtf8(OrtApi.GetErrorMessage(status)) ?? "(no message)";
            return (code, message);
        }
        finally
        {
            OrtApi.ReleaseStatus(status);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(nint status, string? modelName)
    {
        var (code, message) = Take(status);
        var prefix = modelName is null ? "ONNX Runtime" : $"model '{modelName}': ONNX Runtime";
        throw new OnnxRuntimeException(code, $"{prefix} failed with {code}: {message}", modelName);
    }
}
