using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Chorus.Fusion.Frames;

/// <summary>Throws for the per-frame paths of <see cref="FrameFusion"/> and <see cref="SpeechSegmenter"/>.</summary>
internal static class FrameThrowHelper
{
    [DoesNotReturn]
    public static void MemberOutOfRange(int member, int memberCount)
    {
        throw new ArgumentOutOfRangeException(nameof(member), member, $"Member index {member} is outside the fusion's {memberCount} members (0 to {memberCount - 1}).");
    }

    [DoesNotReturn]
    public static void BadTime(string who, double startSeconds, double durationSeconds)
    {
        throw new ArgumentOutOfRangeException(
            nameof(startSeconds),
            $"{who}: a frame needs a finite start of at least 0 s and a finite duration above 0 s, got start {Format(startSeconds)} s and duration {Format(durationSeconds)} s.");
    }

    [DoesNotReturn]
    public static void OutOfOrder(string who, double startSeconds, double previousEnd)
    {
        throw new ArgumentException(
            $"{who}: the frame starting at {Format(startSeconds)} s begins before the end of the previous frame ({Format(previousEnd)} s); push frames in time order without overlap.",
            nameof(startSeconds));
    }

    [DoesNotReturn]
    public static void BadProbability(string who, double startSeconds, float probability)
    {
        throw new ArgumentOutOfRangeException(
            nameof(probability),
            $"{who}: the probability of the frame at {Format(startSeconds)} s is {probability.ToString(CultureInfo.InvariantCulture)}, not a number in [0, 1]. NaN is rejected rather than read as silence; a member whose scores cannot be trusted should be marked failed (FrameFusion.MarkFailed).");
    }

    [DoesNotReturn]
    public static void Completed(string who)
    {
        throw new InvalidOperationException($"{who}: the stream was completed; start a new instance for a new stream.");
    }

    public static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
