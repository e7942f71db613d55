namespace Chorus.Server.Ui;

/// <summary>Running counts since the replay started.</summary>
/// <param name="Seen">Samples replayed.</param>
/// <param name="Correct">Samples whose decision equals the true label.</param>
/// <param name="Disagreements">Answered samples where some answering member's top label differs from the decision.</param>
/// <param name="Failures">Samples the ensemble could not answer (too few members).</param>
internal sealed record FeedTotals(long Seen, long Correct, long Disagreements, long Failures)
{
    public double Accuracy => Seen == 0 ? 0 : (double)Correct / Seen;

    public double DisagreementRate => Seen - Failures == 0 ? 0 : (double)Disagreements / (Seen - Failures);
}
