namespace Chorus.Plugins;

/// <summary>What a model predicts.</summary>
public enum ModelTask
{
    /// <summary>Class scores (probabilities) over a fixed set of labels.</summary>
    Classification,

    /// <summary>One or more real values.</summary>
    Regression,
}
