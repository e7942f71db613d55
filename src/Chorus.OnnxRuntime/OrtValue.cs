using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Chorus.OnnxRuntime.Interop;

namespace Chorus.OnnxRuntime;

/// <summary>
/// An ONNX value (usually a tensor) that ONNX Runtime can read or write.
/// </summary>
/// <remarks>
/// <para>Tensors made with <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/> wrap the caller's memory without
/// copying: it is pinned until the value is disposed, and ONNX Runtime reads it (as an input) or writes it (as a
/// caller-provided output) in place. The caller keeps owning the memory and must not let it go before disposing the value.</para>
/// <para>Outputs that ONNX Runtime allocates are owned by the returned <see cref="OrtValue"/>; their data is read in place
/// through <see cref="GetTensorData{T}"/> and stays valid until the value is disposed.</para>
/// <para>Always dispose values: the native memory and the pin are released then, not by the garbage collector's schedule.
/// A value may be read from several threads; disposing it while another thread uses it is a caller error.</para>
/// </remarks>
public sealed unsafe class OrtValue : IDisposable
{
    private readonly OrtHandle _handle;
    private MemoryHandle _pin;
    private OnnxValueType _valueType;
    private TensorElementType _elementType;
    private long[]? _shape;
    private long _elementCount;
    private void* _data;

    // For values ONNX Runtime made: described lazily, on first use, with one lease (see Describe).
    private bool _described;
    private long* _nativeDims;
    private int _rank;

    private OrtValue(OrtHandle handle, MemoryHandle pin, OnnxValueType valueType, TensorElementType elementType, long[]? shape, void* data)
    {
        _handle = handle;
        _pin = pin;
        _valueType = valueType;
        _elementType = elementType;
        _shape = shape;
        _data = data;
        _described = shape is not null;
        _elementCount = shape is null ? 0 : ShapeElementCount(shape);
    }

    /// <summary>Tensor, sequence, map or optional.</summary>
    public OnnxValueType ValueType
    {
        get
        {
            Describe();
            return _valueType;
        }
    }

    /// <summary>The element type of a tensor.</summary>
    public TensorElementType ElementType
    {
        get
        {
            Describe();
            return _elementType;
        }
    }

    /// <summary>The dimensions of a tensor (empty for a scalar and for non-tensor values).</summary>
    public ReadOnlySpan<long> Shape
    {
        get
        {
            Describe();
            return _shape ??= _rank == 0 ? [] : new ReadOnlySpan<long>(_nativeDims, _rank).ToArray();
        }
    }

    /// <summary>The number of elements of a tensor: the product of its dimensions (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            Describe();
            return _elementCount;
        }
    }

    internal OrtHandle Handle => _handle;

    /// <summary>
    /// A tensor over <paramref name="data"/>, without copying. The memory is pinned until the value is disposed.
    /// Supported element types: float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong, bool.
    /// </summary>
    /// <exception cref="InvalidInputException">The shape does not match the data length, or <typeparamref name="T"/> is not a tensor element type.</exception>
    public static OrtValue CreateTensor<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = ElementTypeOf<T>();
        var count = CheckShape(shape, data.Length, type);
        return Wrap(type, data.Pin(), (nuint)(count * sizeof(T)), shape);
    }

    /// <summary>A tensor over an array, without copying (see <see cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>).</summary>
    public static OrtValue CreateTensor<T>(T[] data, ReadOnlySpan<long> shape)
        where T : unmanaged => CreateTensor(data.AsMemory(), shape);

    /// <summary>
    /// A tensor of any fixed-size element type over raw little-endian bytes, without copying: for types with no .NET
    /// counterpart (bfloat16, complex, 8-bit floats, 4-bit integers) or data already in ONNX's byte layout.
    /// </summary>
    public static OrtValue CreateTensor(TensorElementType elementType, Memory<byte> data, ReadOnlySpan<long> shape)
    {
        if (elementType is TensorElementType.String or TensorElementType.Undefined)
        {
            throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                $"A {elementType} tensor cannot be made from raw bytes; use CreateStringTensor for strings.");
        }

        var count = ShapeElementCount(shape, elementType);
        var expected = TensorElementTypeInfo.ByteLength(elementType, count);
        if (expected != data.Length)
        {
            throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                $"A {TensorElementTypeInfo.Format(elementType, shape)} tensor needs {expected} bytes, but {data.Length} were given.");
        }

        return Wrap(elementType, data.Pin(), (nuint)data.Length, shape);
    }

    /// <summary>A string tensor (the strings are copied into ONNX Runtime's memory as UTF-8).</summary>
    public static OrtValue CreateStringTensor(ReadOnlySpan<string> values, ReadOnlySpan<long> shape)
    {
        CheckShape(shape, values.Length, TensorElementType.String);
        _ = OrtEnvironment.Instance;
        var handle = OrtHandle.ForValue();
        var shapeCopy = shape.ToArray();
        nint value;
        fixed (long* shapePointer = shapeCopy)
        {
            OrtStatus.Check(OrtApi.CreateTensorAsOrtValue(OrtEnvironment.DefaultAllocator, shapePointer, (nuint)shapeCopy.Length, (int)TensorElementType.String, &value));
        }

        handle.Attach(value);
        var pointers = new nint[values.Length];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                pointers[i] = (nint)NativeText.ToUtf8(values[i] ?? throw new InvalidInputException(OrtErrorCode.InvalidArgument, $"String tensor element {i} is null."));
            }

            fixed (nint* pointerArray = pointers)
            {
                OrtStatus.Check(OrtApi.FillStringTensor(value, (byte**)pointerArray, (nuint)values.Length));
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        finally
        {
            foreach (var pointer in pointers)
            {
                NativeText.Free((byte*)pointer);
            }
        }

        return new OrtValue(handle, default, OnnxValueType.Tensor, TensorElementType.String, shapeCopy, null);
    }

    /// <summary>A tensor in memory ONNX Runtime allocates (contents undefined until written), owned by the value.</summary>
    public static OrtValue AllocateTensor(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        ShapeElementCount(shape, elementType);
        _ = OrtEnvironment.Instance;
        var shapeCopy = shape.ToArray();
        nint value;
        fixed (long* shapePointer = shapeCopy)
        {
            OrtStatus.Check(OrtApi.CreateTensorAsOrtValue(OrtEnvironment.DefaultAllocator, shapePointer, (nuint)shapeCopy.Length, (int)elementType, &value));
        }

        var handle = OrtHandle.ForValue();
        handle.Attach(value);
        void* data = null;
        if (elementType != TensorElementType.String)
        {
            OrtStatus.Check(OrtApi.GetTensorMutableData(value, &data));
        }

        return new OrtValue(handle, default, OnnxValueType.Tensor, elementType, shapeCopy, data);
    }

    /// <summary>A sequence of tensors. ONNX Runtime copies the items; the caller still owns and disposes them.</summary>
    public static OrtValue CreateSequence(ReadOnlySpan<OrtValue> items)
    {
        _ = OrtEnvironment.Instance;
        var pointers = new nint[items.Length];
        var added = 0;
        try
        {
            for (; added < items.Length; added++)
            {
                var ignored = false;
                items[added]._handle.DangerousAddRef(ref ignored);
                pointers[added] = items[added]._handle.DangerousGetHandle();
            }

            nint value;
            fixed (nint* pointerArray = pointers)
            {
                OrtStatus.Check(OrtApi.CreateValue(pointerArray, (nuint)pointers.Length, (int)OnnxValueType.Sequence, &value));
            }

            return FromNative(value);
        }
        finally
        {
            for (var i = 0; i < added; i++)
            {
                items[i]._handle.DangerousRelease();
            }
        }
    }

    /// <summary>Reads a tensor's elements in place (no copy). Valid until the value is disposed.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match <see cref="ElementType"/>.</exception>
    public ReadOnlySpan<T> GetTensorData<T>()
        where T : unmanaged => GetTensorMutableData<T>();

    /// <summary>A tensor's elements in place, writable (no copy). Valid until the value is disposed.</summary>
    public Span<T> GetTensorMutableData<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var type = ElementTypeOf<T>();
        if (type != ElementType)
        {
            throw new InvalidOperationException(
                $"This tensor holds {TensorElementTypeInfo.OnnxName(ElementType)} elements; read it as that type, not as {typeof(T).Name} ({TensorElementTypeInfo.OnnxName(type)}).");
        }

        return new Span<T>(_data, checked((int)_elementCount));
    }

    /// <summary>A tensor's raw little-endian bytes in place (no copy), for any fixed-size element type.</summary>
    public ReadOnlySpan<byte> GetTensorBytes()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (ValueType != OnnxValueType.Tensor || ElementType == TensorElementType.String)
        {
            throw new InvalidOperationException($"Raw bytes exist only for numeric and bool tensors; this value is a {ValueType} of {ElementType}.");
        }

        return new ReadOnlySpan<byte>(_data, checked((int)TensorElementTypeInfo.ByteLength(_elementType, _elementCount)));
    }

    /// <summary>The elements of a string tensor, decoded from UTF-8.</summary>
    public string[] GetStrings()
    {
        if (ValueType != OnnxValueType.Tensor || ElementType != TensorElementType.String)
        {
            throw new InvalidOperationException($"This value is not a string tensor (it is a {ValueType} of {ElementType}).");
        }

        var count = checked((int)ElementCount);
        var result = new string[count];
        using var lease = _handle.Lease();
        for (var i = 0; i < count; i++)
        {
            nuint length;
            OrtStatus.Check(OrtApi.GetStringTensorElementLength(lease.Pointer, (nuint)i, &length));
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)length));
            try
            {
                fixed (byte* bufferPointer = buffer)
                {
                    OrtStatus.Check(OrtApi.GetStringTensorElement(lease.Pointer, length, (nuint)i, bufferPointer));
                }

                result[i] = Encoding.UTF8.GetString(buffer, 0, (int)length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return result;
    }

    /// <summary>The number of elements of a sequence (or entries of a map).</summary>
    public int Count
    {
        get
        {
            nuint count;
            using var lease = _handle.Lease();
            OrtStatus.Check(OrtApi.GetValueCount(lease.Pointer, &count));
            return checked((int)count);
        }
    }

    /// <summary>Element <paramref name="index"/> of a sequence, as a new value the caller disposes.</summary>
    public OrtValue GetElement(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        nint element;
        using var lease = _handle.Lease();
        OrtStatus.Check(OrtApi.GetValue(lease.Pointer, index, OrtEnvironment.DefaultAllocator, &element));
        return FromNative(element);
    }

    /// <summary>For an optional value: whether it holds a value.</summary>
    public bool HasValue
    {
        get
        {
            int has;
            using var lease = _handle.Lease();
            OrtStatus.Check(OrtApi.HasValue(lease.Pointer, &has));
            return has != 0;
        }
    }

    /// <summary>Releases the native value and unpins the memory it wrapped.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _pin.Dispose();
        _pin = default;
        _data = null;
    }

    /// <summary>
    /// Takes ownership of a value ONNX Runtime returned; its type and shape are read when first asked for.
    /// <paramref name="knownTensor"/> (from the model's output metadata) saves asking ONNX Runtime for the value's kind.
    /// </summary>
    internal static OrtValue FromNative(nint value, bool knownTensor = false)
    {
        var handle = OrtHandle.ForValue();
        handle.Attach(value);
        return new OrtValue(handle, default, knownTensor ? OnnxValueType.Tensor : OnnxValueType.Unknown, TensorElementType.Undefined, null, null);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TensorElementType ElementTypeOf<T>()
        where T : unmanaged
    {
        // Each comparison is a JIT-time constant for a given T, so this folds to one value.
        if (typeof(T) == typeof(float)) { return TensorElementType.Float; }
        if (typeof(T) == typeof(double)) { return TensorElementType.Double; }
        if (typeof(T) == typeof(long)) { return TensorElementType.Int64; }
        if (typeof(T) == typeof(int)) { return TensorElementType.Int32; }
        if (typeof(T) == typeof(byte)) { return TensorElementType.UInt8; }
        if (typeof(T) == typeof(sbyte)) { return TensorElementType.Int8; }
        if (typeof(T) == typeof(short)) { return TensorElementType.Int16; }
        if (typeof(T) == typeof(ushort)) { return TensorElementType.UInt16; }
        if (typeof(T) == typeof(uint)) { return TensorElementType.UInt32; }
        if (typeof(T) == typeof(ulong)) { return TensorElementType.UInt64; }
        if (typeof(T) == typeof(bool)) { return TensorElementType.Bool; }
        if (typeof(T) == typeof(Half)) { return TensorElementType.Float16; }
        return ThrowUnsupported<T>();
    }

    internal static long ShapeElementCount(ReadOnlySpan<long> shape, TensorElementType type = TensorElementType.Undefined)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                    $"Tensor shape {TensorElementTypeInfo.Format(type, shape)} has a negative dimension; every dimension of a tensor must be 0 or more.");
            }

            count = checked(count * dim);
        }

        return count;
    }

    private static long CheckShape(ReadOnlySpan<long> shape, int dataLength, TensorElementType type)
    {
        var count = ShapeElementCount(shape, type);
        if (count != dataLength)
        {
            throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                $"Tensor shape {TensorElementTypeInfo.Format(type, shape)} holds {count} elements, but the data has {dataLength}. Make the shape match the data.");
        }

        return count;
    }

    private static OrtValue Wrap(TensorElementType type, MemoryHandle pin, nuint byteLength, ReadOnlySpan<long> shape)
    {
        var memoryInfo = OrtEnvironment.Instance.CpuMemoryInfo;
        var handle = OrtHandle.ForValue();
        var shapeCopy = shape.ToArray();
        nint value;
        nint status;
        fixed (long* shapePointer = shapeCopy)
        {
            // A zero-length Memory<T> pins to NULL; ONNX Runtime accepts that for empty tensors only.
            status = OrtApi.CreateTensorWithDataAsOrtValue(memoryInfo, pin.Pointer, byteLength, shapePointer, (nuint)shapeCopy.Length, (int)type, &value);
        }

        if (status != 0)
        {
            pin.Dispose();
            OrtStatus.Check(status);
        }

        handle.Attach(value);
        return new OrtValue(handle, pin, OnnxValueType.Tensor, type, shapeCopy, pin.Pointer);
    }

    /// <summary>
    /// Reads kind, element type, dimensions and data pointer of a value ONNX Runtime made, once, under one lease: the
    /// dimensions stay in ONNX Runtime's own array (valid while the value lives) until <see cref="Shape"/> is asked for.
    /// Racing first calls compute the same values.
    /// </summary>
    private void Describe()
    {
        if (Volatile.Read(ref _described))
        {
            return;
        }

        using var lease = _handle.Lease();
        if (_valueType == OnnxValueType.Unknown)
        {
            int valueType;
            OrtStatus.Check(OrtApi.GetValueType(lease.Pointer, &valueType));
            _valueType = (OnnxValueType)valueType;
        }

        if (_valueType == OnnxValueType.Tensor)
        {
            int elementType;
            long* dims;
            nuint rank;
            OrtStatus.Check(OrtApi.GetTensorElementTypeAndShapeDataReference(lease.Pointer, &elementType, &dims, &rank));
            long count = 1;
            for (nuint d = 0; d < rank; d++)
            {
                count *= dims[d];
            }

            void* data = null;
            if (elementType != (int)TensorElementType.String)
            {
                OrtStatus.Check(OrtApi.GetTensorMutableData(lease.Pointer, &data));
            }

            _elementType = (TensorElementType)elementType;
            _nativeDims = dims;
            _rank = (int)rank;
            _elementCount = count;
            _data = data;
        }
        else
        {
            _shape = [];
        }

        // Published last, with release semantics: a thread that sees it sees the fields above.
        Volatile.Write(ref _described, true);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TensorElementType ThrowUnsupported<T>() =>
        throw new InvalidInputException(OrtErrorCode.InvalidArgument,
            $"{typeof(T).Name} is not an ONNX tensor element type. Use float, double, Half, sbyte, byte, short, ushort, int, uint, long, ulong or bool, " +
            "or CreateTensor(TensorElementType, Memory<byte>, shape) for other types.");
}
