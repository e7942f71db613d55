using Chorus.OnnxRuntime.Interop;

namespace Chorus.OnnxRuntime;

/// <summary>Turns <see cref="SessionOptions"/> into a native <c>OrtSessionOptions</c>, registering execution providers in order of preference.</summary>
internal static unsafe class SessionOptionsBuilder
{
    public static OrtHandle Build(SessionOptions options, OrtEnvironment env, string modelName, out string provider,
        out IReadOnlyList<ExecutionProviderAttempt> attempts, out bool serializeRuns)
    {
        nint pointer;
        OrtStatus.Check(OrtApi.CreateSessionOptions(&pointer));
        var handle = OrtHandle.ForSessionOptions();
        handle.Attach(pointer);
        try
        {
            Apply(options, pointer, modelName);
            (provider, attempts, serializeRuns) = RegisterProviders(options, env, pointer, modelName);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void Apply(SessionOptions options, nint so, string modelName)
    {
        OrtStatus.Check(OrtApi.SetSessionGraphOptimizationLevel(so, (int)options.GraphOptimizationLevel), modelName);
        OrtStatus.Check(OrtApi.SetSessionExecutionMode(so, (int)options.ExecutionMode), modelName);
        if (options.UsePerSessionThreads)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads);
            ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads);
            OrtStatus.Check(OrtApi.SetIntraOpNumThreads(so, options.IntraOpThreads), modelName);
            OrtStatus.Check(OrtApi.SetInterOpNumThreads(so, options.InterOpThreads), modelName);
        }
        else
        {
            OrtStatus.Check(OrtApi.DisablePerSessionThreads(so), modelName);
        }

        OrtStatus.Check(options.EnableMemoryPattern ? OrtApi.EnableMemPattern(so) : OrtApi.DisableMemPattern(so), modelName);
        if (!options.EnableCpuMemoryArena)
        {
            OrtStatus.Check(OrtApi.DisableCpuMemArena(so), modelName);
        }

        WithUtf8(modelName, name => OrtStatus.Check(OrtApi.SetSessionLogId(so, name), modelName));
        foreach (var (dimension, value) in options.FreeDimensionOverrides)
        {
            WithUtf8(dimension, name => OrtStatus.Check(OrtApi.AddFreeDimensionOverrideByName(so, name, value), modelName));
        }

        foreach (var (key, value) in options.ConfigEntries)
        {
            var keyUtf8 = NativeText.ToUtf8Array(key);
            var valueUtf8 = NativeText.ToUtf8Array(value);
            fixed (byte* keyPointer = keyUtf8, valuePointer = valueUtf8)
            {
                OrtStatus.Check(OrtApi.AddSessionConfigEntry(so, keyPointer, valuePointer), modelName);
            }
        }
    }

    private static (string Provider, IReadOnlyList<ExecutionProviderAttempt> Attempts, bool SerializeRuns) RegisterProviders(
        SessionOptions options, OrtEnvironment env, nint so, string modelName)
    {
        var requested = options.ExecutionProviders.Count == 0 ? [ExecutionProvider.Cpu] : options.ExecutionProviders.ToList();
        var attempts = new List<ExecutionProviderAttempt>();
        string? selected = null;
        var serializeRuns = false;
        foreach (var provider in requested)
        {
            if (provider.Name == "CPU")
            {
                // The CPU provider is always present and always last: it runs whatever the providers before it cannot.
                attempts.Add(new ExecutionProviderAttempt(provider.ToString(), true, null));
                selected ??= provider.Name;
                break;
            }

            var reason = TryRegister(provider, env, so);
            reason = reason?.Trim();
            attempts.Add(new ExecutionProviderAttempt(provider.ToString(), reason is null, reason));
            if (reason is null)
            {
                selected ??= provider.Name;
                serializeRuns |= provider.Name == "DirectML";
            }
            else if (options.StrictExecutionProviders && selected is null)
            {
                throw new ExecutionProviderException(OrtErrorCode.EpFail,
                    $"model '{modelName}': execution provider {provider} is required (strict mode) but cannot be used: {reason}. " +
                    "Turn strict mode off to fall back to the next provider, or run where this provider is available.", modelName);
            }
        }

        if (selected is null)
        {
            attempts.Add(new ExecutionProviderAttempt("CPU", true, null));
            selected = "CPU";
        }

        return (selected, attempts, serializeRuns);
    }

    /// <summary>Registers one provider; returns null on success, else why it was skipped.</summary>
    private static string? TryRegister(ExecutionProvider provider, OrtEnvironment env, nint so)
    {
        return provider.Name switch
        {
            "DirectML" => RegisterDirectML(provider, env, so),
            "CUDA" => RegisterCuda(provider, env, so),
            _ => RegisterByName(provider, env, so),
        };
    }

    private static string? RegisterDirectML(ExecutionProvider provider, OrtEnvironment env, nint so)
    {
        if (!OperatingSystem.IsWindows())
        {
            return $"DirectML runs on Windows only; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        }

        if (!env.AvailableProviders.Contains(provider.OrtName))
        {
            return NotInBuild(provider, env);
        }

        nint dmlApi;
        var nameUtf8 = NativeText.ToUtf8Array("DML");
        fixed (byte* name = nameUtf8)
        {
            var status = OrtApi.GetExecutionProviderApi(name, OrtApi.Version, &dmlApi);
            if (status != 0)
            {
                return OrtStatus.Take(status).Message;
            }
        }

        // DirectML needs sequential execution and no memory pattern, and one Run at a time per session (serialized by the caller).
        OrtStatus.Check(OrtApi.SetSessionExecutionMode(so, (int)ExecutionMode.Sequential));
        OrtStatus.Check(OrtApi.DisableMemPattern(so));

        // OrtDmlApi slot [0]: OrtStatus* SessionOptionsAppendExecutionProvider_DML(OrtSessionOptions* options, int device_id)
        var append = (delegate* unmanaged<nint, int, nint>)((nint*)dmlApi)[0];
        var appendStatus = append(so, provider.DeviceId);
        return appendStatus == 0 ? null : OrtStatus.Take(appendStatus).Message;
    }

    private static string? RegisterCuda(ExecutionProvider provider, OrtEnvironment env, nint so)
    {
        if (!env.AvailableProviders.Contains(provider.OrtName))
        {
            return NotInBuild(provider, env);
        }

        nint pointer;
        var status = OrtApi.CreateCUDAProviderOptions(&pointer);
        if (status != 0)
        {
            return OrtStatus.Take(status).Message;
        }

        using var cudaOptions = OrtHandle.ForCudaProviderOptions();
        cudaOptions.Attach(pointer);
        var cudaPointer = pointer;
        var settings = new Dictionary<string, string>(provider.Options, StringComparer.Ordinal)
        {
            ["device_id"] = provider.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        status = WithKeyValues(settings, (keys, values, count) => OrtApi.UpdateCUDAProviderOptions(cudaPointer, keys, values, count));
        if (status != 0)
        {
            return OrtStatus.Take(status).Message;
        }

        status = OrtApi.SessionOptionsAppendExecutionProvider_CUDA_V2(so, cudaPointer);
        return status == 0 ? null : OrtStatus.Take(status).Message;
    }

    private static string? RegisterByName(ExecutionProvider provider, OrtEnvironment env, nint so)
    {
        if (!env.AvailableProviders.Contains(provider.OrtName))
        {
            return NotInBuild(provider, env);
        }

        var nameUtf8 = NativeText.ToUtf8Array(provider.Name);
        nint status;
        fixed (byte* name = nameUtf8)
        {
            var namePointer = name;
            status = WithKeyValues(provider.Options, (keys, values, count) => OrtApi.SessionOptionsAppendExecutionProvider(so, namePointer, keys, values, count));
        }

        return status == 0 ? null : OrtStatus.Take(status).Message;
    }

    private static string NotInBuild(ExecutionProvider provider, OrtEnvironment env) =>
        $"{provider.OrtName} is not in this ONNX Runtime build ({env.Version}; it has {string.Join(", ", env.AvailableProviders)})";

    private delegate nint KeyValueCall(byte** keys, byte** values, nuint count);

    private static nint WithKeyValues(IReadOnlyDictionary<string, string> pairs, KeyValueCall call)
    {
        var count = pairs.Count;
        var keys = new nint[Math.Max(1, count)];
        var values = new nint[Math.Max(1, count)];
        var i = 0;
        try
        {
            foreach (var (key, value) in pairs)
            {
                keys[i] = (nint)NativeText.ToUtf8(key);
                values[i] = (nint)NativeText.ToUtf8(value);
                i++;
            }

            fixed (nint* keyArray = keys, valueArray = values)
            {
                return call((byte**)keyArray, (byte**)valueArray, (nuint)count);
            }
        }
        finally
        {
            for (var j = 0; j < i; j++)
            {
                NativeText.Free((byte*)keys[j]);
                NativeText.Free((byte*)values[j]);
            }
        }
    }

    private delegate void Utf8Call(byte* text);

    private static void WithUtf8(string text, Utf8Call call)
    {
        var utf8 = NativeText.ToUtf8Array(text);
        fixed (byte* pointer = utf8)
        {
            call(pointer);
        }
    }
}
