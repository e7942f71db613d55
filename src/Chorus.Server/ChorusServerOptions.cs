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
    /// Whether to serve the live visualizer: the page at <c>/ui</c> and its event stream at <c>/ui/feed</c>
    /// (docs/visualizer.md). On by default; the page's own files need no API key, its data does.
    /// </summary>
    public bool EnableVisualizer { get; set; } = true;

    /// <summary>
    /// Data sets the visualizer can replay, by ensemble id: a CSV file with a header line, then per row the ensemble's
    /// sample values and the true label last (e.g. <c>["digits"] = "tests/data/digits/test.csv"</c>). Checked when the
    /// server is constructed: an unknown ensemble or a malformed file throws <see cref="ArgumentException"/>.
    /// </summary>
    public IDictionary<string, string> VisualizerReplays { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Dynamic batching per plugin model, keyed by plugin id (none by default: each request runs as the batch it carries).
    /// Concurrent requests to a model named here are queued and run together as one Predict call (docs/serving.md,
    /// "Dynamic batching"). Only plugin models can be batched, not ensembles; an unknown id fails the server's constructor.
    /// </summary>
    public IDictionary<string, DynamicBatchingOptions> Batching { get; } = new Dictionary<string, DynamicBatchingOptions>(StringComparer.Ordinal);
}
