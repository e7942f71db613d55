namespace Chorus.Server.Ui;

/// <summary>Running frame counts since the replay started, pooled over the files played (fused grid frames against the labels).</summary>
/// <param name="Chunks">Chunks replayed.</param>
/// <param name="Files">Files played to the end.</param>
/// <param name="Frames">Fused frames scored.</param>
/// <param name="TruePositives">Frames decided speech and labelled speech.</param>
/// <param name="FalsePositives">Frames decided speech and labelled non-speech.</param>
/// <param name="FalseNegatives">Frames decided non-speech and labelled speech.</param>
/// <param name="Failures">Chunks the ensemble could not answer.</param>
internal sealed record SpeechFeedTotals(long Chunks, long Files, long Frames, long TruePositives, long FalsePositives, long FalseNegatives, long Failures)
{
    public long Correct => Frames - FalsePositives - FalseNegatives;

    public double Accuracy => Frames == 0 ? 0 : (double)Correct / Frames;

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => (2 * TruePositives) + FalsePositives + FalseNegatives == 0
        ? 0
        : 2.0 * TruePositives / ((2.0 * TruePositives) + FalsePositives + FalseNegatives);
}
