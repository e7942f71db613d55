using System.Runtime.InteropServices;
using System.Text;

namespace Chorus.OnnxRuntime.Interop;

/// <summary>UTF-8 strings to and from native code. Every string ONNX Runtime takes is UTF-8 except model paths on Windows.</summary>
internal static unsafe class NativeText
{
    public static string? FromUtf8(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>A NUL-terminated UTF-8 copy in native memory; the caller frees it with <see cref="Free"/>.</summary>
    public static byte* ToUtf8(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }

    public static void Free(byte* text) => NativeMemory.Free(text);

    /// <summary>A NUL-terminated UTF-8 copy in a managed array, for strings passed once (pin it with <c>fixed</c>).</summary>
    public static byte[] ToUtf8Array(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>Reads a string ONNX Runtime allocated with the default allocator, then frees it there.</summary>
    public static string TakeAllocated(byte* text)
    {
        try
        {
            return FromUtf8(text) ?? string.Empty;
        }
        finally
        {
            if (text is not null)
            {
                OrtStatus.Check(OrtApi.AllocatorFree(OrtEnvironment.DefaultAllocator, text));
            }
        }
    }
}
