using Chorus.Hosting.Scheduling;

namespace Chorus.Server;

/// <summary>Settings of a <see cref="ChorusServer"/>.</summary>
public sealed class ChorusServerOptions
{
    /// <summary>Where to listen; several URLs separated by ';'. Port 0 picks a free port (see <see cref="ChorusServer.StartAsync"/>).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8000";

    /// <summary>The largest request body accepted; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The most tensor elements one inference request may carry (the product of its input shape).</summary>
    public long MaxTensorElements { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// When set, every request except <c>/v2/health/*</c> must carry <c>Authorization: Bearer &lt;key&gt;</c> or
    /// <c>x-api-key: &lt;key&gt;</c>; others get 401.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Dynamic batching per plugin model, keyed by plugin id (none by default: each request runs as the batch it carries).
    /// Concurrent requests to a model named here are queued and run together as one Predict call (docs/serving.md,
    /// "Dynamic batching"). Only plugin models can be batched, not ensembles; an unknown id fails the server's constructor.
    /// </summary>
    public IDictionary<string, DynamicBatchingOptions> Batching { get; } = new Dictionary<string, DynamicBatchingOptions>(StringComparer.Ordinal);
}
