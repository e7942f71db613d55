using Chorus.OnnxRuntime;

namespace Chorus.Hosting;

/// <summary>Host configuration for <c>AddChorus</c>.</summary>
public sealed class ChorusOptions
{
    /// <summary>Folders scanned for plugins: each subfolder holding a <c>plugin.json</c> is one plugin.</summary>
    public IList<string> PluginDirectories { get; } = new List<string>();

    /// <summary>Execution providers for every model, in order of preference (default: CPU).</summary>
    public IList<ExecutionProvider> ExecutionProviders { get; } = new List<ExecutionProvider>();

    /// <summary>Fail model loading instead of falling back when the first provider is unavailable.</summary>
    public bool StrictExecutionProviders { get; set; }

    /// <summary>Process-wide ONNX Runtime settings (thread pools, logging, library path), applied once.</summary>
    public OrtEnvironmentOptions Environment { get; set; } = new();

    /// <summary>How long an ensemble waits for a member when its policy names no timeout.</summary>
    public TimeSpan DefaultMemberTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
