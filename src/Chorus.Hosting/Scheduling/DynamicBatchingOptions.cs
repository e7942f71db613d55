using System.Globalization;

namespace Chorus.Hosting.Scheduling;

/// <summary>
/// How a <see cref="DynamicBatcher"/> forms batches, with Triton's dynamic batcher semantics: a batch runs as soon as the
/// queued rows reach <see cref="MaxBatchSize"/>, or when the oldest queued request has waited <see cref="MaxQueueDelay"/>.
/// </summary>
public sealed class DynamicBatchingOptions
{
    /// <summary>The most rows (samples) one batch holds. A single request with more rows runs alone, unsplit. Default 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long the oldest queued request may wait for others to join it. Zero (the default, as in Triton) runs whatever is
    /// queued as soon as the model is free, so batches form only from requests that arrive while a batch runs.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Parses <c>MAXBATCH[,DELAY]</c>, e.g. <c>32</c>, <c>32,2ms</c>, <c>16,500us</c> or <c>8,0</c> (the form of
    /// <c>chorus serve --batching ID=SPEC</c>). DELAY is a number followed by <c>us</c>, <c>ms</c> or <c>s</c>; a bare 0 means
    /// no delay.
    /// </summary>
    /// <exception cref="FormatException">The text is not of that form; the message says what was wrong.</exception>
    public static DynamicBatchingOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var maxBatch) || maxBatch < 1)
        {
            throw new FormatException($"batching '{text}' must be MAXBATCH[,DELAY] with MAXBATCH a whole number of at least 1, e.g. '32,2ms'.");
        }

        var options = new DynamicBatchingOptions { MaxBatchSize = maxBatch };
        if (parts.Length == 2)
        {
            options.MaxQueueDelay = ParseDelay(parts[1], text);
        }

        return options;
    }

    /// <summary>Throws when a value is out of range: <see cref="MaxBatchSize"/> below 1, or a negative or over-an-hour delay.</summary>
    /// <param name="modelId">The model the options are for, named in the message.</param>
    /// <exception cref="ChorusException">A value is out of range; the message names the model and the value.</exception>
    public void Validate(string modelId)
    {
        if (MaxBatchSize < 1)
        {
            throw new ChorusException($"batching for '{modelId}': the max batch size must be at least 1, not {MaxBatchSize}.", modelId);
        }

        if (MaxQueueDelay < TimeSpan.Zero || MaxQueueDelay > TimeSpan.FromHours(1))
        {
            throw new ChorusException($"batching for '{modelId}': the max queue delay must be between 0 and 1 hour, not {MaxQueueDelay}.", modelId);
        }
    }

    /// <summary>The <see cref="Parse"/> form of these options, e.g. <c>32,2ms</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MaxBatchSize},{MaxQueueDelay.TotalMilliseconds}ms");

    private static TimeSpan ParseDelay(string delay, string text)
    {
        if (delay == "0")
        {
            return TimeSpan.Zero;
        }

        (string Suffix, double Scale)[] units = [("us", 1e-3), ("ms", 1), ("s", 1e3)];
        foreach (var (suffix, scale) in units)
        {
            if (delay.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(delay[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return TimeSpan.FromMilliseconds(value * scale);
            }
        }

        throw new FormatException($"batching '{text}': the delay '{delay}' must be a number with the unit us, ms or s (e.g. '2ms'), or 0.");
    }
}
