using System.Globalization;
using System.Text;

namespace Chorus.Server;

/// <summary>
/// Writes <see cref="ModelMetrics"/> in the Prometheus text exposition format, version 0.0.4: a HELP and a TYPE line per
/// metric family, then <c>name{labels} value</c> lines. Names follow Triton's where Triton has the metric
/// (<c>nv_inference_request_success</c>, <c>nv_inference_request_failure</c>, <c>nv_inference_count</c>) and are
/// <c>chorus_*</c> otherwise; docs/serving.md lists them.
/// </summary>
internal static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<ModelMetrics> models)
    {
        var text = new StringBuilder();
        Family(text, "nv_inference_request_success", "counter", "Number of successful inference requests, per model and ensemble.");
        foreach (var model in models)
        {
            Sample(text, "nv_inference_request_success", Labels(model), model.Success);
        }

        Family(text, "nv_inference_request_failure", "counter",
            "Number of failed inference requests, per model and ensemble; reason OTHER = refused by the server (4xx), BACKEND = the model or ensemble failed (5xx), CANCELED = the client went away.");
        foreach (var model in models)
        {
            foreach (var (reason, count) in model.Failures)
            {
                Sample(text, "nv_inference_request_failure", Labels(model) + $",reason=\"{reason}\"", count);
            }
        }

        Family(text, "nv_inference_count", "counter", "Number of inferences (samples) in successful requests, per model and ensemble.");
        foreach (var model in models)
        {
            Sample(text, "nv_inference_count", Labels(model), model.Inferences);
        }

        Family(text, "nv_inference_exec_count", "counter",
            "Number of model executions (Predict calls; for an ensemble, ensemble runs), per model and ensemble. With dynamic batching one execution serves several requests: average batch = nv_inference_count / nv_inference_exec_count.");
        foreach (var model in models)
        {
            Sample(text, "nv_inference_exec_count", Labels(model), model.Executions);
        }

        var batched = models.Where(m => m.PendingRequests is not null).ToList();
        Family(text, "nv_inference_pending_request_count", "gauge", "Requests waiting in the dynamic batcher's queue, per model served with batching.");
        foreach (var model in batched)
        {
            Sample(text, "nv_inference_pending_request_count", Labels(model), model.PendingRequests ?? 0);
        }

        Histogram(text, models, "chorus_request_duration_seconds",
            "Inference request duration in seconds, from routing to the response written, for successful and failed requests.", m => m.RequestDuration);
        Histogram(text, models, "chorus_compute_duration_seconds",
            "Time in seconds the model or ensemble spent predicting, for requests that reached it (after any batcher queue).", m => m.ComputeDuration);
        Histogram(text, batched, "chorus_queue_duration_seconds",
            "Time in seconds a request waited in the dynamic batcher's queue before its batch started, per model served with batching.", m => m.QueueDuration);

        Histogram(text, models, "chorus_batch_size",
            "Rows (samples) per model execution: per batch with dynamic batching, else per request.", m => m.BatchSize);

        var ensembles = models.Where(m => m.IsEnsemble).ToList();
        Family(text, "chorus_ensemble_degraded_requests_total", "counter", "Successful ensemble requests answered with a member left out (degraded).");
        foreach (var model in ensembles)
        {
            Sample(text, "chorus_ensemble_degraded_requests_total", Labels(model), model.Degraded);
        }

        Family(text, "chorus_ensemble_disagreement_requests_total", "counter",
            "Successful ensemble requests where the members disagreed (agreement < 1 for some sample).");
        foreach (var model in ensembles)
        {
            Sample(text, "chorus_ensemble_disagreement_requests_total", Labels(model), model.Disagreeing);
        }

        return text.ToString();
    }

    private static void Histogram(StringBuilder text, IReadOnlyList<ModelMetrics> models, string name, string help, Func<ModelMetrics, BucketHistogram> select)
    {
        Family(text, name, "histogram", help);
        foreach (var model in models)
        {
            var labels = Labels(model);
            var histogram = select(model);
            var (cumulative, sum) = histogram.Snapshot();
            for (var i = 0; i < histogram.Bounds.Count; i++)
            {
                Sample(text, name + "_bucket", labels + $",le=\"{histogram.Bounds[i].ToString(CultureInfo.InvariantCulture)}\"", cumulative[i]);
            }

            Sample(text, name + "_bucket", labels + ",le=\"+Inf\"", cumulative[^1]);
            text.Append(name).Append("_sum{").Append(labels).Append("} ").Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            Sample(text, name + "_count", labels, cumulative[^1]);
        }
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string labels, long value) =>
        text.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Labels(ModelMetrics model) => $"model=\"{Escape(model.Model.Name)}\",version=\"{Escape(model.Model.Version)}\"";

    // Served names are already limited to [A-Za-z0-9._-]; versions come from manifests, so escape as the format says.
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
