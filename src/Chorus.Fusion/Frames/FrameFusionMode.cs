namespace Chorus.Fusion.Frames;

/// <summary>How <see cref="FrameFusion"/> combines the members' values for one grid frame.</summary>
public enum FrameFusionMode
{
    /// <summary>The weighted mean of the members' speech probabilities.</summary>
    Soft,

    /// <summary>
    /// The weighted share of members whose binarized frame is speech (probability at least
    /// <see cref="FrameFusionOptions.BinarizeThreshold"/>): a weighted majority vote read as a probability.
    /// </summary>
    Hard,
}
