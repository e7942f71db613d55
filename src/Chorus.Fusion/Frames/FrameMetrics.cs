using System.Globalization;

namespace Chorus.Fusion.Frames;

/// <summary>Frame-level precision, recall and F1 of speech segments against reference segments.</summary>
public static class FrameMetrics
{
    /// <summary>
    /// Scores <paramref name="predicted"/> against <paramref name="reference"/> on frames of
    /// <paramref name="hopSeconds"/>: frame i spans [i·hop, (i+1)·hop), the frames scored are those whose centre
    /// (i + 0.5)·hop lies in [0, <paramref name="durationSeconds"/>), and a frame is speech when its centre lies in
    /// some segment [start, end). Segments may come in any order and may overlap; parts outside the duration are ignored.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration or hop is not finite, or the hop is not positive, or a segment time is NaN.</exception>
    public static FrameScoreResult Evaluate(IReadOnlyList<SpeechSegment> predicted, IReadOnlyList<SpeechSegment> reference, double durationSeconds, double hopSeconds = 0.01)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(reference);
        if (!double.IsFinite(durationSeconds) || durationSeconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(durationSeconds), durationSeconds, "The duration must be a finite number of seconds, at least 0.");
        }

        if (!double.IsFinite(hopSeconds) || hopSeconds < 1e-5)
        {
            throw new ArgumentOutOfRangeException(nameof(hopSeconds), hopSeconds, "The frame hop must be a finite number of seconds, at least 0.00001.");
        }

        var frames = FrameCount(durationSeconds, hopSeconds);
        var predictedMask = Mask(predicted, frames, hopSeconds, nameof(predicted));
        var referenceMask = Mask(reference, frames, hopSeconds, nameof(reference));
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < frames; i++)
        {
            if (predictedMask[i])
            {
                if (referenceMask[i])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }
            else if (referenceMask[i])
            {
                fn++;
            }
        }

        var precision = tp + fp == 0 ? 0.0 : tp / (double)(tp + fp);
        var recall = tp + fn == 0 ? 0.0 : tp / (double)(tp + fn);
        var f1 = (2 * tp) + fp + fn == 0 ? 0.0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
        return new FrameScoreResult(precision, recall, f1, tp, fp, fn, frames);
    }

    private static int FrameCount(double duration, double hop)
    {
        // The frames whose centre (i + 0.5)·hop is below the duration.
        var count = Math.Max(0, (long)Math.Ceiling((duration / hop) - 0.5));
        while (count > 0 && Centre(count - 1, hop) >= duration)
        {
            count--;
        }

        while (Centre(count, hop) < duration)
        {
            count++;
        }

        if (count > int.MaxValue / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Too many frames for this duration and hop; use a longer hop.");
        }

        return (int)count;
    }

    private static bool[] Mask(IReadOnlyList<SpeechSegment> segments, int frames, double hop, string name)
    {
        var mask = new bool[frames];
        for (var s = 0; s < segments.Count; s++)
        {
            var (start, end) = (segments[s].StartSeconds, segments[s].EndSeconds);
            if (double.IsNaN(start) || double.IsNaN(end))
            {
                throw new ArgumentOutOfRangeException(name, $"Segment {s.ToString(CultureInfo.InvariantCulture)} has a NaN time.");
            }

            if (end <= start)
            {
                continue;
            }

            // First frame whose centre is at or after start, then on while the centre is before end.
            var i = (long)Math.Max(0, Math.Min(frames, Math.Ceiling((start / hop) - 0.5)));
            while (i > 0 && Centre(i - 1, hop) >= start)
            {
                i--;
            }

            while (i < frames && Centre(i, hop) < start)
            {
                i++;
            }

            for (; i < frames && Centre(i, hop) < end; i++)
            {
                mask[i] = true;
            }
        }

        return mask;
    }

    private static double Centre(long index, double hop) => (index + 0.5) * hop;
}
