using System.Runtime.InteropServices;

namespace Chorus.OnnxRuntime.Interop;

/// <summary>
/// Owns one ONNX Runtime object and releases it with the <c>Release*</c> slot that matches its kind, given at construction
/// (<see cref="ForSession"/>, <see cref="ForValue"/>, ...). The object is freed exactly once, even if a caller forgets
/// <c>Dispose</c> (the finalizer runs <see cref="ReleaseHandle"/>), and never while a native call that took a reference with
/// <c>DangerousAddRef</c> is still using it.
/// </summary>
/// <remarks>One class with the release slot as data, rather than one subclass per kind: the subclasses would differ in that one pointer only.</remarks>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<nint, void> _release;

    private OrtHandle(delegate* unmanaged<nint, void> release)
        : base(0, ownsHandle: true)
    {
        _release = release;
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>An <c>OrtSession*</c>, released with <c>ReleaseSession</c>.</summary>
    public static OrtHandle ForSession() => new(OrtApi.ReleaseSession);

    /// <summary>An <c>OrtSessionOptions*</c>, released with <c>ReleaseSessionOptions</c>.</summary>
    public static OrtHandle ForSessionOptions() => new(OrtApi.ReleaseSessionOptions);

    /// <summary>An <c>OrtValue*</c>, released with <c>ReleaseValue</c>.</summary>
    public static OrtHandle ForValue() => new(OrtApi.ReleaseValue);

    /// <summary>An <c>OrtRunOptions*</c>, released with <c>ReleaseRunOptions</c>.</summary>
    public static OrtHandle ForRunOptions() => new(OrtApi.ReleaseRunOptions);

    /// <summary>An <c>OrtMemoryInfo*</c>, released with <c>ReleaseMemoryInfo</c>.</summary>
    public static OrtHandle ForMemoryInfo() => new(OrtApi.ReleaseMemoryInfo);

    /// <summary>An <c>OrtTypeInfo*</c>, released with <c>ReleaseTypeInfo</c>.</summary>
    public static OrtHandle ForTypeInfo() => new(OrtApi.ReleaseTypeInfo);

    /// <summary>An <c>OrtThreadingOptions*</c>, released with <c>ReleaseThreadingOptions</c>.</summary>
    public static OrtHandle ForThreadingOptions() => new(OrtApi.ReleaseThreadingOptions);

    /// <summary>An <c>OrtModelMetadata*</c>, released with <c>ReleaseModelMetadata</c>.</summary>
    public static OrtHandle ForModelMetadata() => new(OrtApi.ReleaseModelMetadata);

    /// <summary>An <c>OrtCUDAProviderOptionsV2*</c>, released with <c>ReleaseCUDAProviderOptions</c>.</summary>
    public static OrtHandle ForCudaProviderOptions() => new(OrtApi.ReleaseCUDAProviderOptions);

    /// <summary>Holds a reference on the object for the length of a native call.</summary>
    public OrtHandleLease Lease() => new(this);

    /// <summary>Takes ownership of a pointer a <c>Create*</c> slot returned.</summary>
    public void Attach(nint pointer) => SetHandle(pointer);

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}
