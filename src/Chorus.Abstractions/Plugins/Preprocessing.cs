namespace Chorus.Plugins;

/// <summary>The per-element normalisation the host applies before a manifest-only model: <c>x' = x * Scale + Offset</c>.</summary>
/// <param name="Scale">Multiplier (e.g. 1/16 for 0–16 pixel counts).</param>
/// <param name="Offset">Added after scaling.</param>
public sealed record Preprocessing(double Scale = 1.0, double Offset = 0.0);
