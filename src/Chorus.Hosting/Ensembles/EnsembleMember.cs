namespace Chorus.Hosting.Ensembles;

/// <summary>A member of an ensemble definition: a local plugin, or a model on a remote v2 server, and its voting weight.</summary>
/// <param name="PluginId">The member id: the plugin id for a local member; for a remote member its <c>"id"</c> (default: the remote model name).</param>
/// <param name="Weight">The member's weight in soft and hard voting (default 1).</param>
public sealed record EnsembleMember(string PluginId, double Weight = 1.0)
{
    /// <summary>Where the member is served when it is remote; null for a local plugin.</summary>
    public RemoteMember? Remote { get; init; }

    /// <summary>This member's own timeout (<c>"timeoutMs"</c>); null = the policy's <see cref="EnsemblePolicy.MemberTimeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}
