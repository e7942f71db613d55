using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using Chorus.OnnxRuntime.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.OnnxRuntime;

/// <summary>
/// The one ONNX Runtime environment of the process: the native library, the global thread pools every session shares, and
/// ONNX Runtime's log routed to <see cref="ILogger"/>.
/// </summary>
/// <remarks>
/// Created on first use with default options, or explicitly, once, with <see cref="Initialize"/> before any session is
/// made. It lives until the process ends: ONNX Runtime requires the environment to outlive every session, and releasing it
/// during shutdown races with finalizers of sessions, so it is deliberately never released.
/// </remarks>
public sealed unsafe class OrtEnvironment
{
    private static readonly Lock s_lock = new();
    private static OrtEnvironment? s_instance;
    private static ILogger s_logger = NullLogger.Instance;

    private OrtEnvironment(OrtEnvironmentOptions options, string version, nint env, nint cpuMemoryInfo)
    {
        Options = options;
        Version = version;
        Handle = env;
        CpuMemoryInfo = cpuMemoryInfo;
        BuildInfo = NativeText.FromUtf8(OrtApi.GetBuildInfoString()) ?? string.Empty;
        AvailableProviders = ReadAvailableProviders();
    }

    /// <summary>The environment, created with default options on first use.</summary>
    public static OrtEnvironment Instance => Volatile.Read(ref s_instance) ?? Initialize();

    /// <summary>The options the environment was created with.</summary>
    public OrtEnvironmentOptions Options { get; }

    /// <summary>ONNX Runtime's version string, e.g. <c>1.30.0</c>.</summary>
    public string Version { get; }

    /// <summary>ONNX Runtime's build description (git commit, build type).</summary>
    public string BuildInfo { get; }

    /// <summary>The execution providers compiled into the loaded ONNX Runtime, e.g. <c>CPUExecutionProvider</c>.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>The file the native library was loaded from.</summary>
    public string? LibraryPath { get; } = OrtLibrary.LoadedPath;

    internal nint Handle { get; }

    /// <summary>CPU memory description used for every tensor over caller memory (created once, never released).</summary>
    internal nint CpuMemoryInfo { get; }

    /// <summary>ONNX Runtime's default CPU allocator (a process singleton that must not be released).</summary>
    internal static nint DefaultAllocator { get; private set; }

    /// <summary>
    /// Creates the environment. Call it once, before the first session, to choose thread pools, logging or the native library.
    /// A second call with equal options (or none) returns the existing environment; with different options it throws,
    /// because ONNX Runtime keeps the first environment for the life of the process.
    /// </summary>
    public static OrtEnvironment Initialize(OrtEnvironmentOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        lock (s_lock)
        {
            if (s_instance is not null)
            {
                if (options is not null && options != s_instance.Options)
                {
                    throw new InvalidOperationException(
                        $"The ONNX Runtime environment was already created with {s_instance.Options}; it cannot be created again with {options}. " +
                        "Call OrtEnvironment.Initialize once, at startup, before any session is made.");
                }

                return s_instance;
            }

            options ??= new OrtEnvironmentOptions();
            if (loggerFactory is not null)
            {
                s_logger = loggerFactory.CreateLogger("Chorus.OnnxRuntime");
            }

            var instance = Create(options);
            Volatile.Write(ref s_instance, instance);
            return instance;
        }
    }

    private static OrtEnvironment Create(OrtEnvironmentOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads);

        var apiBase = OrtLibrary.GetApiBase(options.LibraryPath);
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var version = NativeText.FromUtf8(getVersionString()) ?? "unknown";
        var table = getApi(OrtApi.Version);
        if (table is null)
        {
            throw new OnnxRuntimeException(OrtErrorCode.NotImplemented,
                $"The ONNX Runtime library at '{OrtLibrary.LoadedPath}' is version {version}, which does not provide C API version {OrtApi.Version}. " +
                "Chorus needs ONNX Runtime 1.29 or newer; use the binaries the build provides (1.30.0) or point CHORUS_ONNXRUNTIME_PATH at a newer copy.");
        }

        OrtApi.Load(table);

        nint allocator;
        OrtStatus.Check(OrtApi.GetAllocatorWithDefaultOptions(&allocator));
        DefaultAllocator = allocator;

        nint threading;
        OrtStatus.Check(OrtApi.CreateThreadingOptions(&threading));
        nint env;
        try
        {
            OrtStatus.Check(OrtApi.SetGlobalIntraOpNumThreads(threading, options.IntraOpThreads));
            OrtStatus.Check(OrtApi.SetGlobalInterOpNumThreads(threading, options.InterOpThreads));
            OrtStatus.Check(OrtApi.SetGlobalSpinControl(threading, options.AllowSpinning ? 1 : 0));
            var logId = NativeText.ToUtf8Array(options.LogId);
            fixed (byte* logIdPointer = logId)
            {
                OrtStatus.Check(OrtApi.CreateEnvWithCustomLoggerAndGlobalThreadPools(
                    (nint)(delegate* unmanaged<nint, int, byte*, byte*, byte*, byte*, void>)&OnLog,
                    0,
                    ToOrtLevel(options.LogLevel),
                    logIdPointer,
                    threading,
                    &env));
            }
        }
        finally
        {
            OrtApi.ReleaseThreadingOptions(threading);
        }

        nint memoryInfo;
        OrtStatus.Check(OrtApi.CreateCpuMemoryInfo(OrtAllocatorTypeDevice, OrtMemTypeDefault, &memoryInfo));
        return new OrtEnvironment(options, version, env, memoryInfo);
    }

    // OrtAllocatorType.OrtDeviceAllocator and OrtMemType.OrtMemTypeDefault (ORT C API header 1.29).
    private const int OrtAllocatorTypeDevice = 0;
    private const int OrtMemTypeDefault = 0;

    private static ReadOnlyCollection<string> ReadAvailableProviders()
    {
        byte** names;
        int count;
        OrtStatus.Check(OrtApi.GetAvailableProviders(&names, &count));
        try
        {
            var list = new string[count];
            for (var i = 0; i < count; i++)
            {
                list[i] = NativeText.FromUtf8(names[i]) ?? string.Empty;
            }

            return Array.AsReadOnly(list);
        }
        finally
        {
            OrtStatus.Check(OrtApi.ReleaseAvailableProviders(names, count));
        }
    }

    private static int ToOrtLevel(LogLevel level) => level switch
    {
        LogLevel.Trace => 0,
        LogLevel.Debug or LogLevel.Information => 1,
        LogLevel.Warning => 2,
        LogLevel.Error => 3,
        _ => 4,
    };

    private static LogLevel FromOrtLevel(int severity) => severity switch
    {
        0 => LogLevel.Trace,
        1 => LogLevel.Information,
        2 => LogLevel.Warning,
        3 => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    // OrtLoggingFunction: void(void* param, OrtLoggingLevel severity, const char* category, const char* logid,
    //                          const char* code_location, const char* message). Called on ONNX Runtime's threads;
    // nothing may throw back into native code.
    [UnmanagedCallersOnly]
    private static void OnLog(nint param, int severity, byte* category, byte* logId, byte* codeLocation, byte* message)
    {
        try
        {
            var level = FromOrtLevel(severity);
            var logger = s_logger;
            if (logger.IsEnabled(level))
            {
#pragma warning disable CA1848, CA2254 // ONNX Runtime's messages are free text; a per-message LoggerMessage would not help.
                logger.Log(level, "[{LogId} {Category}] {Message} ({CodeLocation})",
                    NativeText.FromUtf8(logId), NativeText.FromUtf8(category), NativeText.FromUtf8(message), NativeText.FromUtf8(codeLocation));
#pragma warning restore CA1848, CA2254
            }
        }
#pragma warning disable CA1031 // An exception escaping into native code would end the process.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
