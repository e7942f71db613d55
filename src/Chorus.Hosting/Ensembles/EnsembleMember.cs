namespace Chorus.Hosting.Ensembles;

/// <summary>A member of an ensemble definition: the plugin and its voting weight.</summary>
/// <param name="PluginId">The plugin id.</param>
/// <param name="Weight">The member's weight in soft and hard voting (default 1).</param>
public sealed record EnsembleMember(string PluginId, double Weight = 1.0);
