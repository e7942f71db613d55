namespace Chorus.Hosting.Ensembles;

/// <summary>How an ensemble treats slow and failing members.</summary>
/// <param name="MinMembers">Fewest members that must answer for a result (default: 1).</param>
/// <param name="MemberTimeout">How long a member may take; null = the host's default.</param>
/// <param name="OnMemberFailure">Degrade (default) or fail the request.</param>
public sealed record EnsemblePolicy(int MinMembers = 1, TimeSpan? MemberTimeout = null, MemberFailurePolicy OnMemberFailure = MemberFailurePolicy.Degrade);
