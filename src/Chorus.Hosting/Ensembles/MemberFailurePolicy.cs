namespace Chorus.Hosting.Ensembles;

/// <summary>What an ensemble does when a member fails or times out.</summary>
public enum MemberFailurePolicy
{
    /// <summary>Fuse the members that answered (at least the minimum), and mark the result degraded with who failed.</summary>
    Degrade,

    /// <summary>Fail the whole request.</summary>
    Fail,
}
