using Microsoft.Extensions.Logging;

namespace Chorus.OnnxRuntime;

/// <summary>Process-wide ONNX Runtime settings, fixed when <see cref="OrtEnvironment"/> is first created.</summary>
public sealed record OrtEnvironmentOptions
{
    /// <summary>
    /// Threads in the global intra-op pool that every session shares (unless it asks for its own threads).
    /// 0 lets ONNX Runtime choose: one per physical core.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads in the global inter-op pool (used only by sessions in <see cref="ExecutionMode.Parallel"/>). 0 = default.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether idle pool threads spin before sleeping. Off by default: with several sessions in one process spinning threads
    /// slow the busy ones, and a frame loop wants its cores back.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>The least severe ONNX Runtime log message forwarded to the logger. Default: warnings.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The log identifier ONNX Runtime puts on its messages.</summary>
    public string LogId { get; init; } = "chorus";

    /// <summary>
    /// The ONNX Runtime native library to load, as a file or a folder, for hosts that bring their own copy. When null the
    /// environment variable <c>CHORUS_ONNXRUNTIME_PATH</c> is read, then the binaries the build placed in
    /// <c>runtimes/&lt;rid&gt;/native/</c>.
    /// </summary>
    public string? LibraryPath { get; init; }
}
