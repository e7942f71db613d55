namespace Chorus.Server.Ui;

/// <summary>One ensemble member's part in a replayed sample.</summary>
/// <param name="Id">The member's plugin id.</param>
/// <param name="Scores">Its scores aligned to the ensemble's labels; null when it gave none.</param>
/// <param name="Top">Its own top label (ties to the label listed first); null without scores.</param>
/// <param name="LatencyMs">How long its run took, in milliseconds.</param>
/// <param name="Error">Why it was left out (failed, timed out, unloaded, non-finite scores); null when it counted.</param>
internal sealed record FeedMember(string Id, IReadOnlyList<double>? Scores, string? Top, double LatencyMs, string? Error);
