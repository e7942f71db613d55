using System.Collections.Frozen;
using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Chorus.OnnxRuntime.Interop;

namespace Chorus.OnnxRuntime;

/// <summary>
/// One loaded ONNX model, ready to run. Create it from a file or from bytes, run it any number of times, from any number of
/// threads, then dispose it.
/// </summary>
/// <remarks>
/// <para>Concurrent <c>Run</c> calls on one CPU session are safe and run in parallel (ONNX Runtime's <c>Run</c> is stateless).
/// A session on DirectML allows one <c>Run</c> at a time, as DirectML requires; Chorus serializes them.</para>
/// <para>Inputs are checked against the model before anything runs: a wrong name, element type, rank or fixed dimension
/// raises <see cref="InvalidInputException"/> naming the model and the input, and the session stays usable.</para>
/// <para>Disposing the session while a run is in progress is safe: the native session is released when the run ends.</para>
/// </remarks>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtHandle _session;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private readonly FrozenDictionary<string, int> _inputIndex;
    private readonly FrozenDictionary<string, int> _outputIndex;
    private readonly NativeNames _names;
    private readonly Lock? _runLock;

    private InferenceSession(string modelName, string? modelPath, OrtHandle session, string executionProvider,
        IReadOnlyList<ExecutionProviderAttempt> attempts, bool serializeRuns)
    {
        ModelName = modelName;
        ModelPath = modelPath;
        _session = session;
        ExecutionProvider = executionProvider;
        ProviderAttempts = attempts;
        _runLock = serializeRuns ? new Lock() : null;

        var handle = session.DangerousGetHandle();
        _inputs = ReadInfos(handle, isInput: true);
        _outputs = ReadInfos(handle, isInput: false);
        _inputIndex = _inputs.Select((info, i) => (info.Name, i)).ToFrozenDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _outputIndex = _outputs.Select((info, i) => (info.Name, i)).ToFrozenDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _names = new NativeNames(_inputs, _outputs);
        Metadata = ReadMetadata(handle);
    }

    /// <summary>The model's name in errors and logs (the file name unless <see cref="SessionOptions.ModelName"/> says otherwise).</summary>
    public string ModelName { get; }

    /// <summary>The file the model was loaded from; null for a model loaded from bytes.</summary>
    public string? ModelPath { get; }

    /// <summary>The model's inputs, in the order ONNX Runtime lists them (the order positional runs use).</summary>
    public IReadOnlyList<TensorInfo> Inputs => _inputs;

    /// <summary>The model's outputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Outputs => _outputs;

    /// <summary>What the model says about itself.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The execution provider the session got: the first of the preference list that could be registered.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Every provider that was asked for, whether it was registered, and why not when it was skipped.</summary>
    public IReadOnlyList<ExecutionProviderAttempt> ProviderAttempts { get; }

    /// <summary>Loads a model from a file.</summary>
    /// <exception cref="ModelLoadException">The file is missing, or is not a model ONNX Runtime can load.</exception>
    /// <exception cref="ExecutionProviderException">Strict provider selection failed.</exception>
    public static InferenceSession Create(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new SessionOptions();
        var modelName = options.ModelName ?? Path.GetFileName(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new ModelLoadException(OrtErrorCode.NoSuchFile,
                $"model '{modelName}': the file '{fullPath}' does not exist. Check the path (relative paths start at '{Environment.CurrentDirectory}').",
                modelName);
        }

        return CreateCore(modelName, fullPath, options, (env, sessionOptions, session) =>
        {
            if (OperatingSystem.IsWindows())
            {
                fixed (char* path = fullPath)
                {
                    return OrtApi.CreateSession(env, path, sessionOptions, session);
                }
            }

            var utf8 = NativeText.ToUtf8Array(fullPath);
            fixed (byte* path = utf8)
            {
                return OrtApi.CreateSession(env, path, sessionOptions, session);
            }
        });
    }

    /// <summary>Loads a model from bytes held in memory (ONNX Runtime copies what it needs; the buffer may be reused after).</summary>
    /// <exception cref="ModelLoadException">The bytes are not a model ONNX Runtime can load.</exception>
    public static InferenceSession Create(ReadOnlyMemory<byte> model, SessionOptions? options = null)
    {
        options ??= new SessionOptions();
        var modelName = options.ModelName ?? "model from memory";
        if (model.IsEmpty)
        {
            throw new ModelLoadException(OrtErrorCode.InvalidProtobuf, $"model '{modelName}': the model bytes are empty. Pass the contents of an .onnx file.", modelName);
        }

        return CreateCore(modelName, null, options, (env, sessionOptions, session) =>
        {
            using var pin = model.Pin();
            return OrtApi.CreateSessionFromArray(env, pin.Pointer, (nuint)model.Length, sessionOptions, session);
        });
    }

    /// <summary>
    /// Runs the model with inputs in the order of <see cref="Inputs"/> and outputs in the order of <see cref="Outputs"/>.
    /// An output slot that holds a value is written in place (a caller-provided buffer); a null slot receives a new value
    /// ONNX Runtime allocated, which the caller disposes. The fastest way to run: no name lookups, no allocation of arrays.
    /// </summary>
    /// <exception cref="InvalidInputException">An input does not match the model; nothing was run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the run was stopped.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed while running.</exception>
    public void Run(ReadOnlySpan<OrtValue> inputs, Span<OrtValue?> outputs, CancellationToken cancellationToken = default)
    {
        if (inputs.Length != _inputs.Length)
        {
            ThrowInputCount(inputs.Length);
        }

        if (outputs.Length != _outputs.Length)
        {
            ThrowOutputCount(outputs.Length);
        }

        Span<int> inputOrder = _inputs.Length <= 32 ? stackalloc int[_inputs.Length] : new int[_inputs.Length];
        Span<int> outputOrder = _outputs.Length <= 32 ? stackalloc int[_outputs.Length] : new int[_outputs.Length];
        for (var i = 0; i < inputOrder.Length; i++)
        {
            inputOrder[i] = i;
        }

        for (var i = 0; i < outputOrder.Length; i++)
        {
            outputOrder[i] = i;
        }

        RunCore(inputOrder, inputs, outputOrder, outputs, cancellationToken);
    }

    /// <summary>Runs the model with inputs in the order of <see cref="Inputs"/>; returns every output, in order, for the caller to dispose.</summary>
    public OrtValue[] Run(ReadOnlySpan<OrtValue> inputs, CancellationToken cancellationToken = default)
    {
        var outputs = new OrtValue?[_outputs.Length];
        Run(inputs, outputs, cancellationToken);
        return outputs!;
    }

    /// <summary>
    /// Runs the model with named inputs (every model input must be given) and named outputs (any subset, in any order).
    /// Output slots behave as in <see cref="Run(ReadOnlySpan{OrtValue}, Span{OrtValue}, CancellationToken)"/>.
    /// </summary>
    public void Run(ReadOnlySpan<string> inputNames, ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<string> outputNames, Span<OrtValue?> outputs,
        CancellationToken cancellationToken = default)
    {
        if (inputNames.Length != inputs.Length)
        {
            throw new ArgumentException($"{inputNames.Length} input names were given for {inputs.Length} input values; give one name per value.", nameof(inputNames));
        }

        if (outputNames.Length != outputs.Length)
        {
            throw new ArgumentException($"{outputNames.Length} output names were given for {outputs.Length} output slots; give one name per slot.", nameof(outputNames));
        }

        Span<int> inputOrder = inputNames.Length <= 32 ? stackalloc int[inputNames.Length] : new int[inputNames.Length];
        Span<int> outputOrder = outputNames.Length <= 32 ? stackalloc int[outputNames.Length] : new int[outputNames.Length];
        for (var i = 0; i < inputNames.Length; i++)
        {
            inputOrder[i] = _inputIndex.TryGetValue(inputNames[i], out var index) ? index : ThrowUnknownName(inputNames[i], isInput: true);
            for (var j = 0; j < i; j++)
            {
                if (inputOrder[j] == inputOrder[i])
                {
                    throw new InvalidInputException(OrtErrorCode.InvalidArgument,
                        $"model '{ModelName}': input '{inputNames[i]}' is given twice. Give each input once.", ModelName);
                }
            }
        }

        if (inputNames.Length != _inputs.Length)
        {
            ThrowMissingInputs(inputOrder);
        }

        for (var i = 0; i < outputNames.Length; i++)
        {
            outputOrder[i] = _outputIndex.TryGetValue(outputNames[i], out var index) ? index : ThrowUnknownName(outputNames[i], isInput: false);
        }

        RunCore(inputOrder, inputs, outputOrder, outputs, cancellationToken);
    }

    /// <summary>Runs the model with inputs by name; returns every output, in the order of <see cref="Outputs"/>, for the caller to dispose.</summary>
    public OrtValue[] Run(IReadOnlyDictionary<string, OrtValue> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var i = 0;
        foreach (var pair in inputs)
        {
            names[i] = pair.Key;
            values[i] = pair.Value ?? throw new ArgumentException($"Input '{pair.Key}' is null.", nameof(inputs));
            i++;
        }

        var outputs = new OrtValue?[_outputs.Length];
        var outputNames = _outputs.Select(o => o.Name).ToArray();
        Run(names, values, outputNames, outputs, cancellationToken);
        return outputs!;
    }

    /// <summary>Releases the native session and its name table (after any run in progress ends).</summary>
    public void Dispose()
    {
        _session.Dispose();
        _names.Dispose();
    }

    private void RunCore(ReadOnlySpan<int> inputOrder, ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<int> outputOrder, Span<OrtValue?> outputs,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            ValidateInput(_inputs[inputOrder[i]], inputs[i]);
        }

        for (var i = 0; i < outputs.Length; i++)
        {
            if (outputs[i] is { } provided)
            {
                ValidateProvidedOutput(_outputs[outputOrder[i]], provided);
            }
        }

        var nIn = inputs.Length;
        var nOut = outputs.Length;
        var inputNamePointers = stackalloc byte*[nIn];
        var outputNamePointers = stackalloc byte*[nOut];
        var inputHandles = stackalloc nint[nIn];
        var outputHandles = stackalloc nint[nOut];
        // Take a reference on every native object for the length of the call, so a concurrent Dispose cannot free one
        // under ONNX Runtime's feet.
        var sessionAdded = false;
        var namesAdded = false;
        var inputsAdded = 0;
        var outputsAdded = 0;
        OrtHandle? runOptions = null;
        CancellationTokenRegistration registration = default;
        nint status = 0;
        try
        {
            _session.DangerousAddRef(ref sessionAdded);
            _names.DangerousAddRef(ref namesAdded);
            for (var i = 0; i < nIn; i++)
            {
                inputNamePointers[i] = _names.Input(inputOrder[i]);
            }

            for (var i = 0; i < nOut; i++)
            {
                outputNamePointers[i] = _names.Output(outputOrder[i]);
            }

            for (; inputsAdded < nIn; inputsAdded++)
            {
                var added = false;
                inputs[inputsAdded].Handle.DangerousAddRef(ref added);
                inputHandles[inputsAdded] = inputs[inputsAdded].Handle.DangerousGetHandle();
            }

            for (; outputsAdded < nOut; outputsAdded++)
            {
                if (outputs[outputsAdded] is { } provided)
                {
                    var added = false;
                    provided.Handle.DangerousAddRef(ref added);
                    outputHandles[outputsAdded] = provided.Handle.DangerousGetHandle();
                }
                else
                {
                    outputHandles[outputsAdded] = 0;
                }
            }

            var runOptionsPointer = (nint)0;
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runOptions = CreateRunOptions();
                runOptionsPointer = runOptions.DangerousGetHandle();
                registration = cancellationToken.UnsafeRegister(static state => Terminate((OrtHandle)state!), runOptions);
            }

            if (_runLock is null)
            {
                status = OrtApi.Run(_session.DangerousGetHandle(), runOptionsPointer, inputNamePointers, inputHandles, (nuint)nIn, outputNamePointers, (nuint)nOut, outputHandles);
            }
            else
            {
                lock (_runLock)
                {
                    status = OrtApi.Run(_session.DangerousGetHandle(), runOptionsPointer, inputNamePointers, inputHandles, (nuint)nIn, outputNamePointers, (nuint)nOut, outputHandles);
                }
            }
        }
        finally
        {
            // Waits for a cancellation callback in flight, so the run options outlive it.
            registration.Dispose();
            runOptions?.Dispose();
            for (var i = 0; i < inputsAdded; i++)
            {
                inputs[i].Handle.DangerousRelease();
            }

            for (var i = 0; i < outputsAdded; i++)
            {
                outputs[i]?.Handle.DangerousRelease();
            }

            if (namesAdded)
            {
                _names.DangerousRelease();
            }

            if (sessionAdded)
            {
                _session.DangerousRelease();
            }
        }

        if (status != 0)
        {
            for (var i = 0; i < nOut; i++)
            {
                if (outputs[i] is null && outputHandles[i] != 0)
                {
                    OrtApi.ReleaseValue(outputHandles[i]);
                }
            }

            ThrowRunFailed(status, cancellationToken);
        }

        for (var i = 0; i < nOut; i++)
        {
            outputs[i] ??= OrtValue.FromNative(outputHandles[i], _outputs[outputOrder[i]].ValueType == OnnxValueType.Tensor);
        }
    }

    private void ValidateInput(TensorInfo expected, OrtValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (expected.ValueType == OnnxValueType.Optional)
        {
            // An optional input takes the value it wraps (a tensor or a sequence); ONNX Runtime checks the element type.
            return;
        }

        if (expected.ValueType != OnnxValueType.Tensor)
        {
            if (value.ValueType != expected.ValueType)
            {
                ThrowMismatch(expected, value, "input", $"a {expected.ValueType.ToString().ToLowerInvariant()} value");
            }

            return;
        }

        if (value.ValueType != OnnxValueType.Tensor || value.ElementType != expected.ElementType)
        {
            ThrowMismatch(expected, value, "input", "a different element type");
        }

        CheckDims(expected, value, "input");
    }

    private void ValidateProvidedOutput(TensorInfo expected, OrtValue value)
    {
        if (expected.ValueType == OnnxValueType.Tensor && (value.ValueType != OnnxValueType.Tensor || value.ElementType != expected.ElementType))
        {
            ThrowMismatch(expected, value, "output buffer", "a different element type");
        }

        CheckDims(expected, value, "output buffer");
    }

    private void CheckDims(TensorInfo expected, OrtValue value, string role)
    {
        var expectedShape = expected.ShapeArray;
        var actual = value.Shape;

        // A rank-0 declaration is also what ONNX Runtime reports for a tensor of unknown rank; leave that case to it.
        if (expectedShape.Length == 0)
        {
            return;
        }

        if (actual.Length != expectedShape.Length)
        {
            ThrowMismatch(expected, value, role, $"rank {actual.Length} instead of {expectedShape.Length}");
        }

        for (var d = 0; d < actual.Length; d++)
        {
            if (expectedShape[d] >= 0 && expectedShape[d] != actual[d])
            {
                ThrowMismatch(expected, value, role, $"dimension {d} is {actual[d]}, the model fixes it at {expectedShape[d]}");
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowMismatch(TensorInfo expected, OrtValue value, string role, string problem)
    {
        var got = value.ValueType == OnnxValueType.Tensor
            ? TensorElementTypeInfo.Format(value.ElementType, value.Shape)
            : value.ValueType.ToString().ToLowerInvariant();
        throw new InvalidInputException(OrtErrorCode.InvalidArgument,
            $"model '{ModelName}': {role} '{expected.Name}' expects {expected.TypeText}, got {got} ({problem}). " +
            $"Give a {expected.TypeText} tensor.", ModelName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ThrowUnknownName(string name, bool isInput)
    {
        var kind = isInput ? "input" : "output";
        var known = string.Join(", ", (isInput ? _inputs : _outputs).Select(i => $"'{i.Name}'"));
        throw new InvalidInputException(OrtErrorCode.InvalidArgument,
            $"model '{ModelName}': there is no {kind} named '{name}'. The model's {kind}s are: {known}.", ModelName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowMissingInputs(ReadOnlySpan<int> given)
    {
        var givenSet = given.ToArray().ToHashSet();
        var missing = _inputs.Where((_, i) => !givenSet.Contains(i)).Select(i => $"'{i.Name}' ({i.TypeText})");
        throw new InvalidInputException(OrtErrorCode.InvalidArgument,
            $"model '{ModelName}': missing input(s) {string.Join(", ", missing)}. Every model input must be given.", ModelName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowInputCount(int given)
    {
        throw new InvalidInputException(OrtErrorCode.InvalidArgument,
            $"model '{ModelName}': {given} input value(s) were given, but the model has {_inputs.Length}: " +
            string.Join(", ", _inputs.Select(i => i.ToString())) + ". Give one value per input, in this order, or run by name.", ModelName);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowOutputCount(int given)
    {
        throw new ArgumentException(
            $"model '{ModelName}': {given} output slot(s) were given, but the model has {_outputs.Length} outputs; pass one slot per output (null slots are allocated).");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRunFailed(nint status, CancellationToken cancellationToken)
    {
        var (code, message) = OrtStatus.Take(status);
        if (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"model '{ModelName}': the run was canceled ({message}).", cancellationToken);
        }

        throw new OnnxRuntimeException(code, $"model '{ModelName}': ONNX Runtime failed to run ({code}): {message}", ModelName);
    }

    private static OrtHandle CreateRunOptions()
    {
        nint pointer;
        OrtStatus.Check(OrtApi.CreateRunOptions(&pointer));
        var handle = OrtHandle.ForRunOptions();
        handle.Attach(pointer);
        return handle;
    }

    private static void Terminate(OrtHandle runOptions)
    {
        try
        {
            using var lease = runOptions.Lease();
            var status = OrtApi.RunOptionsSetTerminate(lease.Pointer);
            if (status != 0)
            {
                OrtApi.ReleaseStatus(status);
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended and released its options before the token fired.
        }
    }

    private delegate nint CreateSessionCall(nint env, nint sessionOptions, nint* session);

    private static InferenceSession CreateCore(string modelName, string? modelPath, SessionOptions options, CreateSessionCall create)
    {
        var env = OrtEnvironment.Instance;
        using var nativeOptions = SessionOptionsBuilder.Build(options, env, modelName, out var provider, out var attempts, out var serializeRuns);
        nint pointer = 0;
        var status = create(env.Handle, nativeOptions.DangerousGetHandle(), &pointer);
        if (status != 0)
        {
            var (code, message) = OrtStatus.Take(status);
            var where = modelPath is null ? "from memory" : $"from '{modelPath}'";
            throw new ModelLoadException(code,
                $"model '{modelName}' could not be loaded {where}: ONNX Runtime reported {code}: {message}. " +
                "Check that the file is a complete, valid ONNX model (re-export or re-download it if it was truncated).",
                modelName);
        }

        var session = OrtHandle.ForSession();
        session.Attach(pointer);
        try
        {
            return new InferenceSession(modelName, modelPath, session, provider, attempts, serializeRuns);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static TensorInfo[] ReadInfos(nint session, bool isInput)
    {
        nuint count;
        OrtStatus.Check(isInput ? OrtApi.SessionGetInputCount(session, &count) : OrtApi.SessionGetOutputCount(session, &count));
        var infos = new TensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePointer;
            OrtStatus.Check(isInput
                ? OrtApi.SessionGetInputName(session, i, OrtEnvironment.DefaultAllocator, &namePointer)
                : OrtApi.SessionGetOutputName(session, i, OrtEnvironment.DefaultAllocator, &namePointer));
            var name = NativeText.TakeAllocated(namePointer);

            nint typeInfo;
            OrtStatus.Check(isInput ? OrtApi.SessionGetInputTypeInfo(session, i, &typeInfo) : OrtApi.SessionGetOutputTypeInfo(session, i, &typeInfo));
            try
            {
                infos[(int)i] = DescribeType(name, typeInfo);
            }
            finally
            {
                OrtApi.ReleaseTypeInfo(typeInfo);
            }
        }

        return infos;
    }

    private static TensorInfo DescribeType(string name, nint typeInfo)
    {
        int onnxType;
        OrtStatus.Check(OrtApi.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != (int)OnnxValueType.Tensor)
        {
            return new TensorInfo(name, (OnnxValueType)onnxType, TensorElementType.Undefined, [], []);
        }

        nint tensorInfo;
        OrtStatus.Check(OrtApi.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        int elementType;
        nuint rank;
        OrtStatus.Check(OrtApi.GetTensorElementType(tensorInfo, &elementType));
        OrtStatus.Check(OrtApi.GetDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        var symbols = new string?[(int)rank];
        if (rank > 0)
        {
            var symbolPointers = stackalloc byte*[(int)rank];
            fixed (long* dimsPointer = dims)
            {
                OrtStatus.Check(OrtApi.GetDimensions(tensorInfo, dimsPointer, rank));
            }

            OrtStatus.Check(OrtApi.GetSymbolicDimensions(tensorInfo, symbolPointers, rank));
            for (var d = 0; d < (int)rank; d++)
            {
                var symbol = NativeText.FromUtf8(symbolPointers[d]);
                symbols[d] = string.IsNullOrEmpty(symbol) ? null : symbol;
            }
        }

        return new TensorInfo(name, OnnxValueType.Tensor, (TensorElementType)elementType, dims, symbols);
    }

    private static ModelMetadata ReadMetadata(nint session)
    {
        nint pointer;
        OrtStatus.Check(OrtApi.SessionGetModelMetadata(session, &pointer));
        var metadata = OrtHandle.ForModelMetadata();
        metadata.Attach(pointer);
        using (metadata)
        {
            var allocator = OrtEnvironment.DefaultAllocator;
            byte* text;
            OrtStatus.Check(OrtApi.ModelMetadataGetProducerName(pointer, allocator, &text));
            var producer = NativeText.TakeAllocated(text);
            OrtStatus.Check(OrtApi.ModelMetadataGetGraphName(pointer, allocator, &text));
            var graph = NativeText.TakeAllocated(text);
            OrtStatus.Check(OrtApi.ModelMetadataGetDomain(pointer, allocator, &text));
            var domain = NativeText.TakeAllocated(text);
            OrtStatus.Check(OrtApi.ModelMetadataGetDescription(pointer, allocator, &text));
            var description = NativeText.TakeAllocated(text);
            OrtStatus.Check(OrtApi.ModelMetadataGetGraphDescription(pointer, allocator, &text));
            var graphDescription = NativeText.TakeAllocated(text);
            long version;
            OrtStatus.Check(OrtApi.ModelMetadataGetVersion(pointer, &version));

            var custom = new Dictionary<string, string>(StringComparer.Ordinal);
            byte** keys;
            long keyCount;
            OrtStatus.Check(OrtApi.ModelMetadataGetCustomMetadataMapKeys(pointer, allocator, &keys, &keyCount));
            if (keys is not null)
            {
                try
                {
                    for (var k = 0; k < keyCount; k++)
                    {
                        var key = NativeText.TakeAllocated(keys[k]);
                        var keyUtf8 = NativeText.ToUtf8Array(key);
                        fixed (byte* keyPointer = keyUtf8)
                        {
                            OrtStatus.Check(OrtApi.ModelMetadataLookupCustomMetadataMap(pointer, allocator, keyPointer, &text));
                        }

                        custom[key] = NativeText.TakeAllocated(text);
                    }
                }
                finally
                {
                    OrtStatus.Check(OrtApi.AllocatorFree(allocator, keys));
                }
            }

            return new ModelMetadata(producer, graph, domain, description, graphDescription, version, new ReadOnlyDictionary<string, string>(custom));
        }
    }

    /// <summary>
    /// Input and output names as NUL-terminated UTF-8 in native memory, made once per session so a run passes pointers
    /// without encoding anything. Released with the session (a run in progress holds a reference on it).
    /// </summary>
    private sealed class NativeNames : SafeHandle
    {
        private readonly int _inputCount;
        private readonly int _count;

        public NativeNames(TensorInfo[] inputs, TensorInfo[] outputs)
            : base(0, ownsHandle: true)
        {
            _inputCount = inputs.Length;
            _count = inputs.Length + outputs.Length;
            var array = (byte**)NativeMemory.AllocZeroed((nuint)Math.Max(1, _count), (nuint)sizeof(byte*));
            SetHandle((nint)array);
            var i = 0;
            foreach (var info in inputs.Concat(outputs))
            {
                array[i++] = NativeText.ToUtf8(info.Name);
            }
        }

        public override bool IsInvalid => handle == 0;

        public byte* Input(int index) => ((byte**)handle)[index];

        public byte* Output(int index) => ((byte**)handle)[_inputCount + index];

        protected override bool ReleaseHandle()
        {
            var array = (byte**)handle;
            for (var i = 0; i < _count; i++)
            {
                NativeText.Free(array[i]);
            }

            NativeMemory.Free(array);
            return true;
        }
    }
}
