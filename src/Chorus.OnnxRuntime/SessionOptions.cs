namespace Chorus.OnnxRuntime;

/// <summary>How an <see cref="InferenceSession"/> is built. A plain options object: build it, then pass it to <c>Create</c>.</summary>
public sealed class SessionOptions
{
    /// <summary>The name used for the model in errors and logs. Default: the model file's name.</summary>
    public string? ModelName { get; set; }

    /// <summary>Graph optimization level. Default: <see cref="GraphOptimizationLevel.All"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary>Node scheduling. Default: <see cref="ExecutionMode.Sequential"/>. DirectML forces sequential.</summary>
    public ExecutionMode ExecutionMode { get; set; } = ExecutionMode.Sequential;

    /// <summary>
    /// Give this session thread pools of its own instead of the environment's global pools (the default, which keeps
    /// many sessions from oversubscribing the cores). <see cref="IntraOpThreads"/> and <see cref="InterOpThreads"/>
    /// apply only then.
    /// </summary>
    public bool UsePerSessionThreads { get; set; }

    /// <summary>Intra-op threads of a session with its own pools. 0 = one per physical core.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Inter-op threads of a session with its own pools (parallel mode only). 0 = default.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Memory pattern planning (on by default; DirectML turns it off).</summary>
    public bool EnableMemoryPattern { get; set; } = true;

    /// <summary>The CPU memory arena (on by default). Turn it off to return memory to the system after each run.</summary>
    public bool EnableCpuMemoryArena { get; set; } = true;

    /// <summary>
    /// Fixed values for symbolic dimensions, by name (e.g. <c>batch = 1</c>), so the graph can be optimized for them.
    /// </summary>
    public IDictionary<string, long> FreeDimensionOverrides { get; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Session configuration entries passed to <c>AddSessionConfigEntry</c> (e.g. <c>session.intra_op.allow_spinning</c>).</summary>
    public IDictionary<string, string> ConfigEntries { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Execution providers in order of preference. Each is tried in turn; those that cannot be had are skipped and the
    /// reason is recorded in <see cref="InferenceSession.ProviderAttempts"/>. CPU is always the final fallback.
    /// Default: CPU only.
    /// </summary>
    public IList<ExecutionProvider> ExecutionProviders { get; } = new List<ExecutionProvider>();

    /// <summary>
    /// Fail instead of falling back: when the first preferred provider cannot be registered, session creation throws
    /// <see cref="ExecutionProviderException"/> with the reason.
    /// </summary>
    public bool StrictExecutionProviders { get; set; }
}
