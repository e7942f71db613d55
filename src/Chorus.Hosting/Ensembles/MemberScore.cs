namespace Chorus.Hosting.Ensembles;

/// <summary>One member's part in a fused prediction.</summary>
/// <param name="MemberId">The plugin id.</param>
/// <param name="Scores">Its scores aligned to the ensemble's labels (0 for labels it does not cover); null if it failed.</param>
/// <param name="Latency">How long its run took (for the whole batch the sample was in).</param>
/// <param name="Error">Why it gave no scores (failure or timeout); null when it answered.</param>
public sealed record MemberScore(string MemberId, IReadOnlyList<double>? Scores, TimeSpan Latency, string? Error);
