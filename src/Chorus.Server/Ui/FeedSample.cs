namespace Chorus.Server.Ui;

/// <summary>One replayed sample as the ensemble answered it.</summary>
/// <param name="Source">The replay source's name.</param>
/// <param name="Ensemble">The ensemble id.</param>
/// <param name="Row">The sample's index in the source (0-based).</param>
/// <param name="TrueLabel">The label the data set gives.</param>
/// <param name="Decision">The fused decision; null when the ensemble could not answer.</param>
/// <param name="Labels">The ensemble's labels, the order of every score list.</param>
/// <param name="Scores">The fused scores; null when the ensemble could not answer.</param>
/// <param name="Agreement">The fraction of answering members whose top label is the decision (the ensemble's own figure).</param>
/// <param name="Agreeing">How many members' top label is the decision.</param>
/// <param name="Answering">How many members gave scores that counted.</param>
/// <param name="Strategy">The strategy that decided (stacking falls back to soft when a member is missing).</param>
/// <param name="Members">Every member, in the ensemble's order.</param>
/// <param name="Error">Why the ensemble could not answer; null when it did.</param>
/// <param name="Image">A picture of the sample, when the source has one.</param>
/// <param name="Totals">The running counts, this sample included.</param>
internal sealed record FeedSample(
    string Source,
    string Ensemble,
    int Row,
    string TrueLabel,
    string? Decision,
    IReadOnlyList<string> Labels,
    IReadOnlyList<double>? Scores,
    double Agreement,
    int Agreeing,
    int Answering,
    string Strategy,
    IReadOnlyList<FeedMember> Members,
    string? Error,
    ReplayImage? Image,
    FeedTotals Totals)
{
    public bool Correct => Decision is not null && Decision == TrueLabel;

    public bool Degraded => Members.Any(m => m.Error is not null);
}
