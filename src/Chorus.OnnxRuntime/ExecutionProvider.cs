using System.Collections.ObjectModel;
using System.Globalization;

namespace Chorus.OnnxRuntime;

/// <summary>
/// An execution provider a session may run on: <see cref="Cpu"/>, <see cref="Cuda"/>, <see cref="DirectML"/>, or another
/// provider ONNX Runtime registers by name (XNNPACK, OpenVINO, QNN, WebGPU, CoreML, SNPE, AZURE).
/// </summary>
public sealed class ExecutionProvider : IEquatable<ExecutionProvider>
{
    private static readonly ReadOnlyDictionary<string, string> s_noOptions = new(new Dictionary<string, string>());

    // Short name -> the name ONNX Runtime reports in GetAvailableProviders.
    private static readonly Dictionary<string, string> s_ortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CPU"] = "CPUExecutionProvider",
        ["CUDA"] = "CUDAExecutionProvider",
        ["DirectML"] = "DmlExecutionProvider",
        ["XNNPACK"] = "XnnpackExecutionProvider",
        ["OpenVINO"] = "OpenVINOExecutionProvider",
        ["QNN"] = "QNNExecutionProvider",
        ["WebGPU"] = "WebGpuExecutionProvider",
        ["CoreML"] = "CoreMLExecutionProvider",
        ["SNPE"] = "SNPEExecutionProvider",
        ["AZURE"] = "AzureExecutionProvider",
    };

    private ExecutionProvider(string name, int deviceId, IReadOnlyDictionary<string, string>? options)
    {
        Name = name;
        DeviceId = deviceId;
        Options = options is null || options.Count == 0 ? s_noOptions : new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(options));
    }

    /// <summary>The CPU provider: always available, and the fallback for nodes other providers cannot run.</summary>
    public static ExecutionProvider Cpu { get; } = new("CPU", 0, null);

    /// <summary>The short name: <c>CPU</c>, <c>CUDA</c>, <c>DirectML</c>, <c>XNNPACK</c>...</summary>
    public string Name { get; }

    /// <summary>The device index, for GPU providers (the adapter index for DirectML).</summary>
    public int DeviceId { get; }

    /// <summary>Provider options passed to ONNX Runtime as key/value strings (e.g. <c>gpu_mem_limit</c> for CUDA).</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>The name ONNX Runtime uses for this provider, as listed by <see cref="OrtEnvironment.AvailableProviders"/>.</summary>
    public string OrtName => s_ortNames[Name];

    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyCollection<string> KnownNames => s_ortNames.Keys;

    /// <summary>The CUDA provider on a device, when the loaded ONNX Runtime has it and CUDA libraries are present.</summary>
    public static ExecutionProvider Cuda(int deviceId = 0, IReadOnlyDictionary<string, string>? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return new("CUDA", deviceId, options);
    }

    /// <summary>The DirectML provider (Windows) on the adapter with this index (0 = the default adapter).</summary>
    public static ExecutionProvider DirectML(int deviceId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return new("DirectML", deviceId, null);
    }

    /// <summary>Another provider ONNX Runtime registers by name, with its options.</summary>
    public static ExecutionProvider Named(string name, IReadOnlyDictionary<string, string>? options = null)
    {
        var parsed = Parse(name);
        return new(parsed.Name, parsed.DeviceId, options);
    }

    /// <summary>
    /// Parses a provider as users write it in configuration or on a command line: <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>,
    /// <c>dml</c>, <c>directml:0</c>, <c>xnnpack</c>, or ONNX Runtime's own names such as <c>CUDAExecutionProvider</c>.
    /// </summary>
    /// <exception cref="ExecutionProviderException">The name is not a provider Chorus knows; the message lists the known ones.</exception>
    public static ExecutionProvider Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        var deviceId = 0;
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out deviceId))
            {
                throw new ExecutionProviderException(OrtErrorCode.InvalidArgument,
                    $"Execution provider '{text}': the device after ':' must be a non-negative integer, as in 'cuda:0'.");
            }

            trimmed = trimmed[..colon];
        }

        if (trimmed.Equals("DML", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = "DirectML";
        }

        foreach (var (shortName, ortName) in s_ortNames)
        {
            if (trimmed.Equals(shortName, StringComparison.OrdinalIgnoreCase) || trimmed.Equals(ortName, StringComparison.OrdinalIgnoreCase))
            {
                return shortName == "CPU" && deviceId == 0 ? Cpu : new ExecutionProvider(shortName, deviceId, null);
            }
        }

        throw new ExecutionProviderException(OrtErrorCode.InvalidArgument,
            $"Unknown execution provider '{text}'. Known providers: {string.Join(", ", s_ortNames.Keys)} " +
            "(ONNX Runtime names such as 'CUDAExecutionProvider' work too; append ':N' for a device).");
    }

    /// <inheritdoc />
    public bool Equals(ExecutionProvider? other) =>
        other is not null && Name == other.Name && DeviceId == other.DeviceId
        && Options.Count == other.Options.Count
        && Options.All(pair => other.Options.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ExecutionProvider);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, DeviceId, Options.Count);

    /// <inheritdoc />
    public override string ToString() => Name == "CPU" ? Name : $"{Name}:{DeviceId.ToString(CultureInfo.InvariantCulture)}";
}
