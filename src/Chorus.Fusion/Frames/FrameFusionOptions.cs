namespace Chorus.Fusion.Frames;

/// <summary>Settings of a <see cref="FrameFusion"/>; validated by its constructor.</summary>
public sealed class FrameFusionOptions
{
    /// <summary>Soft (weighted mean of probabilities, the default) or hard (weighted share of speech votes).</summary>
    public FrameFusionMode Mode { get; init; } = FrameFusionMode.Soft;

    /// <summary>One weight per member, finite and at least 0, not all zero; null (the default) for equal weights.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>The length of one frame of the common grid in seconds (default 0.032, silero's 512 samples at 16 kHz).</summary>
    public double GridHopSeconds { get; init; } = 0.032;

    /// <summary>In <see cref="FrameFusionMode.Hard"/> mode a member's grid value counts as speech when it is at least this (default 0.5).</summary>
    public float BinarizeThreshold { get; init; } = 0.5f;
}
