namespace Chorus.Streaming;

/// <summary>
/// The argument checks every frame-scoring plugin makes, with the messages the host shows: the sample rate a stream is
/// opened with, and the shape of a batch of fixed frames given to <c>IModel.Predict</c>.
/// </summary>
public static class StreamingArguments
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the model and the fix when <paramref name="sampleRate"/> is not <paramref name="expectedRate"/>.</summary>
    public static void ThrowIfSampleRateDiffers(string modelId, int expectedRate, int sampleRate)
    {
        if (sampleRate != expectedRate)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate,
                $"model '{modelId}' takes {expectedRate} Hz audio, not {sampleRate} Hz; resample first (Chorus.Audio's WavReader resamples to 16 kHz).");
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the plugin when <paramref name="samplesLength"/> is not
    /// <paramref name="batchSize"/> frames of <paramref name="frameSamples"/> audio samples, or when
    /// <paramref name="scoresLength"/> has no room for <paramref name="scoresPerFrame"/> scores per frame.
    /// </summary>
    public static void ThrowIfFrameBatchMismatch(string pluginId, int frameSamples, int batchSize, int samplesLength, int scoresLength, int scoresPerFrame)
    {
        if (batchSize <= 0 || samplesLength != batchSize * frameSamples)
        {
            throw new ArgumentException($"plugin '{pluginId}': {batchSize} sample(s) need {batchSize * frameSamples} values ({frameSamples} audio samples at 16 kHz each), got {samplesLength}.", nameof(samplesLength));
        }

        if (scoresLength < batchSize * scoresPerFrame)
        {
            throw new ArgumentException($"plugin '{pluginId}': {batchSize} sample(s) need room for {batchSize * scoresPerFrame} scores, got {scoresLength}.", nameof(scoresLength));
        }
    }
}
