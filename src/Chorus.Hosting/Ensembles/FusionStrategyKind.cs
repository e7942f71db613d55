namespace Chorus.Hosting.Ensembles;

/// <summary>How an ensemble combines its members' scores (rules in docs/fusion.md).</summary>
public enum FusionStrategyKind
{
    /// <summary>Weighted mean of probabilities; argmax.</summary>
    Soft,

    /// <summary>Weighted majority of each member's top class.</summary>
    Hard,

    /// <summary>A logistic-regression meta-model over the members' scores, trained by <c>chorus fit</c>.</summary>
    Stacking,

    /// <summary>Soft voting with the weights found by ensemble selection (Caruana), trained by <c>chorus fit</c>.</summary>
    Selection,
}
