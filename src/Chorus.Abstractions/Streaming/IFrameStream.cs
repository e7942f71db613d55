namespace Chorus.Streaming;

/// <summary>
/// One audio source's stream through a <see cref="IStreamingModel"/>: push mono float samples in chunks of any length and
/// receive a <see cref="FrameScore"/> for every frame the pushed samples complete.
/// </summary>
/// <remarks>
/// A stream is used by one caller at a time (calling <see cref="Push"/> from two threads at once is refused with an
/// <see cref="InvalidOperationException"/>); many streams of one model may run concurrently, each with its own state.
/// Samples are floats in [-1, 1] at <see cref="SampleRate"/>; the stream copies what it needs and keeps no reference to the
/// caller's buffer. <see cref="IDisposable.Dispose"/> frees the stream's state; the caller that opened the stream disposes it.
/// </remarks>
public interface IFrameStream : IDisposable
{
    /// <summary>The id of the model the stream runs on.</summary>
    string ModelId { get; }

    /// <summary>The sample rate of the stream, in Hz.</summary>
    int SampleRate { get; }

    /// <summary>Samples per frame.</summary>
    int FrameSamples { get; }

    /// <summary>Samples pushed so far.</summary>
    long SamplesPushed { get; }

    /// <summary>
    /// Pushes the next samples of the audio and appends the score of every frame they complete to <paramref name="scores"/>,
    /// in time order. Samples of an incomplete frame are kept for the next call.
    /// </summary>
    /// <returns>The number of scores appended.</returns>
    /// <exception cref="ArgumentException">A sample is NaN or infinite (the message gives its position in the stream); the stream's
    /// state is unchanged and it keeps working.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    /// <exception cref="InvalidOperationException">The stream was completed, or another thread is pushing into it.</exception>
    int Push(ReadOnlySpan<float> samples, ICollection<FrameScore> scores, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the audio: a trailing incomplete frame is padded with zeros, scored and appended (its duration is the real
    /// samples it held). No further pushes are accepted.
    /// </summary>
    /// <returns>The number of scores appended (0 or 1).</returns>
    int Complete(ICollection<FrameScore> scores, CancellationToken cancellationToken = default);
}
