using System.Globalization;

namespace Chorus.Streaming;

/// <summary>
/// The base of a stream that scores fixed, non-overlapping frames: it gathers pushed samples into frames, checks them, keeps
/// the timestamps and guards against concurrent use; a derived class scores one frame at a time and keeps the model state.
/// </summary>
/// <remarks>
/// Inheritance is designed in: plugin authors derive from it for their <see cref="IStreamingModel.OpenStream"/>. The
/// derived class frees its state in <see cref="Dispose(bool)"/>.
/// </remarks>
public abstract class FixedFrameStream : IFrameStream
{
    private readonly float[] _frame;
    private int _filled;
    private long _framesScored;
    private int _busy;
    private bool _completed;
    private bool _disposed;

    /// <summary>Creates the stream.</summary>
    /// <param name="modelId">The model's id, used in error messages.</param>
    /// <param name="sampleRate">The sample rate, in Hz.</param>
    /// <param name="frameSamples">Samples per frame.</param>
    protected FixedFrameStream(string modelId, int sampleRate, int frameSamples)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSamples);
        ModelId = modelId;
        SampleRate = sampleRate;
        FrameSamples = frameSamples;
        _frame = new float[frameSamples];
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <inheritdoc />
    public int FrameSamples { get; }

    /// <inheritdoc />
    public long SamplesPushed { get; private set; }

    /// <inheritdoc />
    public int Push(ReadOnlySpan<float> samples, ICollection<FrameScore> scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Enter();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < samples.Length; i++)
            {
                if (!float.IsFinite(samples[i]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"stream on model '{ModelId}': sample {SamplesPushed + i} of the stream (index {i} of this chunk) is {samples[i]}; samples must be finite floats in [-1, 1]. Check the decoder, or replace NaN and infinite values before pushing. The stream is unchanged."),
                        nameof(samples));
                }
            }

            var added = 0;
            while (!samples.IsEmpty)
            {
                var take = Math.Min(samples.Length, _frame.Length - _filled);
                samples[..take].CopyTo(_frame.AsSpan(_filled));
                _filled += take;
                SamplesPushed += take;
                samples = samples[take..];
                if (_filled == _frame.Length)
                {
                    scores.Add(ScoreAndAdvance(_frame, _frame.Length));
                    _filled = 0;
                    added++;
                }
            }

            return added;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <inheritdoc />
    public int Complete(ICollection<FrameScore> scores, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        Enter();
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _completed = true;
            if (_filled == 0)
            {
                return 0;
            }

            _frame.AsSpan(_filled).Clear();
            scores.Add(ScoreAndAdvance(_frame, _filled));
            _filled = 0;
            return 1;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Scores one full frame (a trailing partial frame arrives padded with zeros) and advances the model state.</summary>
    /// <returns>The probability, in [0, 1].</returns>
    protected abstract float ScoreFrame(ReadOnlySpan<float> frame);

    /// <summary>Frees the stream's state.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private FrameScore ScoreAndAdvance(ReadOnlySpan<float> frame, int realSamples)
    {
        var probability = ScoreFrame(frame);
        if (!(probability >= 0f && probability <= 1f))
        {
            throw new ChorusException(string.Create(CultureInfo.InvariantCulture,
                $"stream on model '{ModelId}': the model scored frame {_framesScored} as {probability}, not a probability in [0, 1]; the plugin is faulty."), ModelId);
        }

        var start = (double)_framesScored * FrameSamples / SampleRate;
        _framesScored++;
        return new FrameScore(start, (double)realSamples / SampleRate, probability);
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"stream on model '{ModelId}' is already in use by another thread; a stream takes one caller at a time (open one stream per audio source).");
        }

        if (_completed)
        {
            Volatile.Write(ref _busy, 0);
            throw new InvalidOperationException($"stream on model '{ModelId}' was completed; open a new stream for more audio.");
        }
    }
}
