namespace Chorus.OnnxRuntime.Interop;

/// <summary>
/// A reference on an <see cref="OrtHandle"/> held for the length of a native call (<c>using var lease = handle.Lease();</c>),
/// so a concurrent <c>Dispose</c> cannot release the object while ONNX Runtime uses it.
/// </summary>
internal readonly ref struct OrtHandleLease
{
    private readonly OrtHandle _handle;

    public OrtHandleLease(OrtHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Pointer = handle.DangerousGetHandle();
    }

    /// <summary>The native pointer, valid until the lease is disposed.</summary>
    public nint Pointer { get; }

    public void Dispose() => _handle.DangerousRelease();
}
