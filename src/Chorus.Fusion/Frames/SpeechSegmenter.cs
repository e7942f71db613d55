using System.Globalization;

namespace Chorus.Fusion.Frames;

/// <summary>
/// Turns a stream of frame speech probabilities into speech segments, as silero-vad's <c>get_speech_timestamps</c> and
/// pyannote's <c>Binarize</c> do: hysteresis thresholds, then short silences bridged, then short speech dropped, then
/// padding with overlapping padded segments merged and clamped to the stream. A segment is reported as soon as no later
/// frame can change it. One instance per stream; not thread-safe.
/// </summary>
/// <remarks>
/// The rules, in order (times compared to within 1 ns):
/// 1. Hysteresis: a frame turns speech on when its probability is at least <see cref="SpeechSegmenterOptions.Onset"/> and
///    off when it is below <see cref="SpeechSegmenterOptions.EffectiveOffset"/>; in between it keeps the previous state,
///    which starts off. A region runs from the start of its first speech frame to the end of its last.
/// 2. A silence shorter than <see cref="SpeechSegmenterOptions.MinSilenceSeconds"/> between two regions is bridged.
/// 3. A region (bridged) shorter than <see cref="SpeechSegmenterOptions.MinSpeechSeconds"/> is dropped.
/// 4. Each kept region is padded by <see cref="SpeechSegmenterOptions.PadSeconds"/> on both sides; padded regions that
///    overlap or touch are merged; starts are clamped to 0 and ends to the stream end.
/// A gap between pushed frames counts as a frame of probability 0. NaN and values outside [0, 1] are rejected.
/// </remarks>
public sealed class SpeechSegmenter
{
    private const double Eps = FrameFusion.TimeEpsilon;

    private readonly float _onset;
    private readonly float _offset;
    private readonly double _minSpeech;
    private readonly double _minSilence;
    private readonly double _pad;

    private double _lastEnd;
    private double _cumulative;
    private bool _on;
    private bool _completed;

    private bool _hasRegion;
    private double _regionStart;
    private double _regionEnd;
    private double _regionCumStart;
    private double _regionCumEnd;

    private bool _hasPending;
    private double _pendingStart;
    private double _pendingEnd;
    private double _pendingCumStart;
    private double _pendingCumEnd;

    /// <summary>Creates a segmenter for one stream.</summary>
    /// <exception cref="FusionConfigurationException">A threshold is not in [0, 1], the offset is above the onset, or a duration is negative or not finite.</exception>
    public SpeechSegmenter(SpeechSegmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Who = "Speech segmenter";
        if (!float.IsFinite(options.Onset) || options.Onset is < 0f or > 1f)
        {
            throw new FusionConfigurationException($"{Who}: the onset is {Format(options.Onset)}; give a probability in [0, 1] (silero uses 0.5).");
        }

        var offset = options.EffectiveOffset;
        if (!float.IsFinite(offset) || offset < 0f || offset > options.Onset)
        {
            throw new FusionConfigurationException(
                $"{Who}: the offset is {Format(offset)} with onset {Format(options.Onset)}; the offset must lie in [0, onset] (leave it null for max(onset - 0.15, 0.01)).");
        }

        CheckDuration(Who, nameof(options.MinSpeechSeconds), options.MinSpeechSeconds);
        CheckDuration(Who, nameof(options.MinSilenceSeconds), options.MinSilenceSeconds);
        CheckDuration(Who, nameof(options.PadSeconds), options.PadSeconds);
        _onset = options.Onset;
        _offset = offset;
        _minSpeech = options.MinSpeechSeconds;
        _minSilence = options.MinSilenceSeconds;
        _pad = options.PadSeconds;
    }

    /// <summary>Segments a whole track of fused frames; the stream ends where the last frame ends.</summary>
    public static IReadOnlyList<SpeechSegment> Segment(IReadOnlyList<FusedFrame> frames, SpeechSegmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var segmenter = new SpeechSegmenter(options);
        var segments = new List<SpeechSegment>();
        var end = 0.0;
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            segmenter.Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, segments);
            end = frame.StartSeconds + frame.DurationSeconds;
        }

        segmenter.Complete(end, segments);
        return segments;
    }

    /// <summary>Pushes the next frame and appends to <paramref name="completed"/> every segment that is now final.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Bad time, or a probability that is NaN or outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The frame starts before the end of the previous one.</exception>
    /// <exception cref="InvalidOperationException">The stream was completed.</exception>
    public void Push(double startSeconds, double durationSeconds, float probability, List<SpeechSegment> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        const string Who = "Speech segmenter";
        if (_completed)
        {
            FrameThrowHelper.Completed(Who);
        }

        if (!double.IsFinite(startSeconds) || startSeconds < 0 || !double.IsFinite(durationSeconds) || durationSeconds <= 0)
        {
            FrameThrowHelper.BadTime(Who, startSeconds, durationSeconds);
        }

        if (!(probability >= 0f && probability <= 1f))
        {
            FrameThrowHelper.BadProbability(Who, startSeconds, probability);
        }

        if (startSeconds < _lastEnd - Eps)
        {
            FrameThrowHelper.OutOfOrder(Who, startSeconds, _lastEnd);
        }

        if (startSeconds > _lastEnd + Eps)
        {
            Process(_lastEnd, startSeconds - _lastEnd, 0f, completed);
        }

        Process(startSeconds, durationSeconds, probability, completed);
        if (_hasPending)
        {
            var earliestStart = _hasRegion ? _regionStart : _lastEnd;
            if (earliestStart - _pad > _pendingEnd + _pad + Eps)
            {
                EmitPending(double.PositiveInfinity, completed);
            }
        }
    }

    /// <summary>
    /// Ends the stream at <paramref name="endSeconds"/> (at least the end of the last frame) and appends the remaining
    /// segments. Later calls do nothing.
    /// </summary>
    public void Complete(double endSeconds, List<SpeechSegment> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        if (_completed)
        {
            return;
        }

        if (!double.IsFinite(endSeconds) || endSeconds < _lastEnd - Eps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(endSeconds),
                $"Speech segmenter: the stream end {FrameThrowHelper.Format(endSeconds)} s lies before the end of the last frame ({FrameThrowHelper.Format(_lastEnd)} s); pass the stream's duration.");
        }

        _completed = true;
        if (_hasRegion)
        {
            FinalizeRegion(completed);
        }

        if (_hasPending)
        {
            EmitPending(Math.Max(endSeconds, _lastEnd), completed);
        }
    }

    private void Process(double start, double duration, float probability, List<SpeechSegment> completed)
    {
        var end = start + duration;
        var cumulativeBefore = _cumulative;
        _cumulative += probability * duration;
        _lastEnd = end;

        var speech = _on ? probability >= _offset : probability >= _onset;
        if (speech)
        {
            if (!_on)
            {
                _on = true;
                var bridged = _hasRegion && start - _regionEnd < _minSilence - Eps;
                if (!bridged)
                {
                    if (_hasRegion)
                    {
                        FinalizeRegion(completed);
                    }

                    _hasRegion = true;
                    _regionStart = start;
                    _regionCumStart = cumulativeBefore;
                }
            }

            _regionEnd = end;
            _regionCumEnd = _cumulative;
            return;
        }

        _on = false;

        // No later frame can bridge this silence once it is MinSilence long: the region is final.
        if (_hasRegion && end - _regionEnd >= _minSilence - Eps)
        {
            FinalizeRegion(completed);
        }
    }

    private void FinalizeRegion(List<SpeechSegment> completed)
    {
        _hasRegion = false;
        if (_regionEnd - _regionStart < _minSpeech - Eps)
        {
            return;
        }

        if (_hasPending && Math.Max(0, _regionStart - _pad) <= _pendingEnd + _pad + Eps)
        {
            _pendingEnd = _regionEnd;
            _pendingCumEnd = _regionCumEnd;
            return;
        }

        if (_hasPending)
        {
            EmitPending(double.PositiveInfinity, completed);
        }

        _hasPending = true;
        _pendingStart = _regionStart;
        _pendingEnd = _regionEnd;
        _pendingCumStart = _regionCumStart;
        _pendingCumEnd = _regionCumEnd;
    }

    private void EmitPending(double streamEnd, List<SpeechSegment> completed)
    {
        _hasPending = false;
        var confidence = (_pendingCumEnd - _pendingCumStart) / (_pendingEnd - _pendingStart);
        completed.Add(new SpeechSegment(
            Math.Max(0, _pendingStart - _pad),
            Math.Min(_pendingEnd + _pad, streamEnd),
            (float)Math.Clamp(confidence, 0.0, 1.0)));
    }

    private static void CheckDuration(string who, string name, double value)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new FusionConfigurationException($"{who}: {name} is {value.ToString(CultureInfo.InvariantCulture)}; give a finite number of seconds, at least 0.");
        }
    }

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
