namespace Chorus.Fusion;

/// <summary>How <see cref="StackingModel.Fit"/> trains the meta-model.</summary>
public sealed class StackingOptions
{
    /// <summary>
    /// The candidate inverse regularisation strengths C (finite, above 0). With more than one, the C with the lowest mean
    /// cross-validated log loss is chosen (ties go to the smaller C); with exactly one, it is used without
    /// cross-validation. Default {0.01, 0.1, 1, 10, 100}.
    /// </summary>
    public IReadOnlyList<double> CGrid { get; init; } = [0.01, 0.1, 1, 10, 100];

    /// <summary>The number of stratified folds for choosing C, at least 2. Default 5, as scikit-learn's <c>cv=None</c>.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>
    /// The ids of the members whose aligned scores make up the features, in feature order (member-major). Recorded in the
    /// saved model so a host can refuse an ensemble with other members (<see cref="StackingModel.EnsureMatches"/>).
    /// When given, the feature count must be members × classes. Null records none.
    /// </summary>
    public IReadOnlyList<string>? MemberIds { get; init; }

    /// <summary>The ensemble's labels in class-index order, recorded in the saved model; null records none.</summary>
    public IReadOnlyList<string>? ClassLabels { get; init; }

    /// <summary>
    /// The optimiser stops when no component of the gradient of the per-sample objective (the sum divided by the sample
    /// count) exceeds this, or earlier when rounding error leaves no step that lowers the objective. Default 1e-12.
    /// </summary>
    public double GradientTolerance { get; init; } = 1e-12;

    /// <summary>The most L-BFGS iterations per fit. Default 2,000 (well-posed problems converge in a few hundred).</summary>
    public int MaxIterations { get; init; } = 2_000;
}
