namespace Chorus.Hosting.Ensembles;

/// <summary>One member's run over a batch: its raw scores (its own label order), latency and error.</summary>
internal sealed record MemberRun(int Index, string MemberId, float[]? Scores, TimeSpan Latency, string? Error);
