namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class EnsembleSelectionTests
{
    // Hold-out set: 4 samples, 2 classes, labels 0 1 0 1.
    private static readonly int[] s_labels = [0, 1, 0, 1];

    // Perfect: probability 1 on the true class.
    private static readonly double[] s_perfect = [1, 0, 0, 1, 1, 0, 0, 1];

    // Right on samples 0 and 1 only, and unsure.
    private static readonly double[] s_half = [0.6, 0.4, 0.4, 0.6, 0.4, 0.6, 0.6, 0.4];

    // Always says class 0.
    private static readonly double[] s_constant = [0.7, 0.3, 0.7, 0.3, 0.7, 0.3, 0.7, 0.3];

    [Test]
    public void A_perfect_member_gets_all_the_weight()
    {
        // Step 1: the perfect member's loss is −ln(1 − eps) ≈ 2e-16, far below the others'. Every later candidate
        // (S + p_j)/(s + 1) with S = s·perfect equals perfect for j = perfect and is worse for any other j.
        var result = EnsembleSelection.Select([s_half, s_perfect, s_constant], s_labels, 2);

        Assert.That(result.Weights, Is.EqualTo(new[] { 0.0, 1.0, 0.0 }));
        Assert.That(result.Order, Has.Count.EqualTo(50).And.All.EqualTo(1));
        Assert.That(result.Trajectory, Has.Count.EqualTo(50).And.All.LessThan(1e-15));
    }

    [Test]
    public void Exact_ties_go_to_the_lowest_member_index()
    {
        // Two identical members: every step is a tie, so member 0 is always taken.
        var result = EnsembleSelection.Select([s_half, s_half], s_labels, 2, new EnsembleSelectionOptions { Size = 5 });

        Assert.That(result.Order, Is.EqualTo(new[] { 0, 0, 0, 0, 0 }));
        Assert.That(result.Weights, Is.EqualTo(new[] { 1.0, 0.0 }));

        // Log loss of s_half: two samples at .6, two at .4: −(2 ln .6 + 2 ln .4)/4.
        Assert.That(result.Trajectory[0], Is.EqualTo(-(Math.Log(0.6) + Math.Log(0.4)) / 2).Within(1e-15));
    }

    [Test]
    public void Complementary_members_are_mixed_and_use_best_truncates_at_the_first_minimum()
    {
        // Labels 0 1; A is right on sample 0 only, B on sample 1 only; both have error .5 and tie → A (index 0).
        // Step 2: (A + A)/2 = A (error .5), (A + B)/2 = [.65 .35 | .35 .65] (error 0) → B.
        // Step 3: (2A + B)/3 = [.733 .267 | .433 .567] and (A + 2B)/3 = [.567 .433 | .267 .733] both have error 0: tie → A.
        double[] a = [0.9, 0.1, 0.6, 0.4];
        double[] b = [0.4, 0.6, 0.1, 0.9];
        var options = new EnsembleSelectionOptions { Size = 3, Loss = EnsembleSelectionLoss.ErrorRate };

        var all = EnsembleSelection.Select([a, b], [0, 1], 2, options);
        var best = EnsembleSelection.Select([a, b], [0, 1], 2, new EnsembleSelectionOptions { Size = 3, Loss = EnsembleSelectionLoss.ErrorRate, UseBest = true });

        Assert.That(all.Order, Is.EqualTo(new[] { 0, 1, 0 }));
        Assert.That(all.Trajectory, Is.EqualTo(new[] { 0.5, 0, 0 }));
        Assert.That(all.Weights, Is.EqualTo(new[] { 2 / 3.0, 1 / 3.0 }));
        Assert.That(best.Order, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(best.Trajectory, Is.EqualTo(new[] { 0.5, 0 }));
        Assert.That(best.Weights, Is.EqualTo(new[] { 0.5, 0.5 }));
    }

    [Test]
    public void Members_with_non_finite_predictions_are_never_picked()
    {
        double[] broken = [double.NaN, 0, 0, 1, 1, 0, 0, 1];

        var result = EnsembleSelection.Select([broken, s_half], s_labels, 2, new EnsembleSelectionOptions { Size = 3 });

        Assert.That(result.Weights, Is.EqualTo(new[] { 0.0, 1.0 }));
        var error = Assert.Throws<FusionConfigurationException>(() => EnsembleSelection.Select([broken], s_labels, 2));
        Assert.That(error!.Message, Does.Contain("non-finite"));
    }

    [Test]
    public void A_single_member_stops_after_one_step_with_weight_one()
    {
        var result = EnsembleSelection.Select([s_half], s_labels, 2);

        Assert.That(result.Order, Is.EqualTo(new[] { 0 }));
        Assert.That(result.Weights, Is.EqualTo(new[] { 1.0 }));
    }

    [Test]
    public void Shape_mismatches_throw()
    {
        Assert.Throws<ArgumentException>(() => EnsembleSelection.Select([s_half, new double[6]], s_labels, 2));
        Assert.Throws<ArgumentException>(() => EnsembleSelection.Select([], s_labels, 2));
        Assert.Throws<ArgumentException>(() => EnsembleSelection.Select([s_half], [0, 1, 0, 2], 2));
    }
}
