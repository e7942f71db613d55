namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class StratifiedKFoldTests
{
    [Test]
    public void Reference_example_b_b_a_b_a_b_a_c_b_a_in_three_folds()
    {
        // a = 0, b = 1, c = 2. By first appearance b → 0, a → 1, c → 2; counts 5, 4, 1. The sorted codes
        // 0 0 0 0 0 1 1 1 1 2 dealt round-robin: fold 0 gets positions 0, 3, 6, 9 (b, b, a, c), fold 1 gets 1, 4, 7
        // (b, b, a), fold 2 gets 2, 5, 8 (b, a, a). b's samples 0 1 3 5 8 → folds 0 0 1 1 2; a's samples 2 4 6 9 →
        // 0 1 2 2; c's sample 7 → 0.
        int[] labels = [1, 1, 0, 1, 0, 1, 0, 2, 1, 0];

        var folds = StratifiedKFold.Split(labels, 3);

        Assert.That(folds, Has.Length.EqualTo(3));
        Assert.That(folds[0], Is.EqualTo(new[] { 0, 1, 2, 7 }));
        Assert.That(folds[1], Is.EqualTo(new[] { 3, 4, 5 }));
        Assert.That(folds[2], Is.EqualTo(new[] { 6, 8, 9 }));
        Assert.That(StratifiedKFold.AssignFolds(labels, 3), Is.EqualTo(new[] { 0, 0, 0, 1, 1, 1, 2, 0, 2, 2 }));
    }

    [Test]
    public void Label_values_do_not_matter_only_their_first_appearance()
    {
        int[] original = [1, 1, 0, 1, 0, 1, 0, 2, 1, 0];
        int[] renamed = [-7, -7, 40, -7, 40, -7, 40, 3, -7, 40];

        Assert.That(StratifiedKFold.Split(renamed, 3), Is.EqualTo(StratifiedKFold.Split(original, 3)));
    }

    [Test]
    public void Train_indices_are_the_complement()
    {
        int[] labels = [1, 1, 0, 1, 0, 1, 0, 2, 1, 0];
        var folds = StratifiedKFold.Split(labels, 3);

        Assert.That(StratifiedKFold.TrainIndices(folds, 1, labels.Length), Is.EqualTo(new[] { 0, 1, 2, 6, 7, 8, 9 }));
    }

    [Test]
    public void Impossible_splits_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedKFold.Split([0, 1, 0, 1], 1));
        Assert.Throws<ArgumentException>(() => StratifiedKFold.Split([0, 1, 0], 4));

        // Every class has 2 samples, fewer than 3 folds: scikit-learn raises too.
        var error = Assert.Throws<ArgumentException>(() => StratifiedKFold.Split([0, 0, 1, 1], 3));
        Assert.That(error!.Message, Does.Contain("3 folds"));

        // One class large enough is enough (scikit-learn only warns).
        Assert.DoesNotThrow(() => StratifiedKFold.Split([0, 0, 0, 1], 3));
    }
}
