using Chorus.Audio;
using Chorus.Fusion.Frames;

namespace Chorus.Cli.Speech;

/// <summary>Frame precision, recall and F1 (10 ms frames, <see cref="FrameMetrics"/>) of each member and of the fused result against a label file.</summary>
internal static class VadScores
{
    public const double HopSeconds = 0.01;

    public static IReadOnlyList<SpeechSegment> ReadReference(string labelsPath) =>
        SpeechLabels.Read(labelsPath).Select(l => new SpeechSegment(l.Start, l.End, 1f)).ToArray();

    /// <summary>Rows: one per member, then "fused".</summary>
    public static IReadOnlyList<(string Name, FrameScoreResult Score)> Evaluate(VadResult result, IReadOnlyList<SpeechSegment> reference)
    {
        var rows = new List<(string, FrameScoreResult)>();
        for (var m = 0; m < result.Members.Count; m++)
        {
            rows.Add((result.Members[m], FrameMetrics.Evaluate(result.PerMember[m], reference, result.DurationSeconds, HopSeconds)));
        }

        rows.Add(("fused", FrameMetrics.Evaluate(result.Fused, reference, result.DurationSeconds, HopSeconds)));
        return rows;
    }
}
