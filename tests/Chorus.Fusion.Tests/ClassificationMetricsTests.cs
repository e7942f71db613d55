namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class ClassificationMetricsTests
{
    [Test]
    public void Accuracy_is_the_fraction_correct()
    {
        Assert.That(ClassificationMetrics.Accuracy([0, 1, 2, 2], [0, 2, 2, 1]), Is.EqualTo(0.5));
    }

    [Test]
    public void Confusion_matrix_rows_are_true_columns_predicted()
    {
        var matrix = ClassificationMetrics.ConfusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3);

        Assert.That(matrix, Is.EqualTo(new[,] { { 1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 1 } }));
    }

    [Test]
    public void Precision_recall_f1_with_a_never_predicted_class()
    {
        // y = 0 0 1 1 2, pred = 0 1 1 1 0.
        // Class 0: tp 1, predicted 2, true 2 → P .5, R .5, F .5.
        // Class 1: tp 2, predicted 3, true 2 → P 2/3, R 1, F 2·(2/3)·1 / (5/3) = .8.
        // Class 2: tp 0, predicted 0 → P = 0/0 → 0 (zero_division = 0), R 0/1 = 0, F 0.
        // Macro P = (.5 + 2/3 + 0)/3 = 7/18; weighted P = (.5·2 + 2/3·2 + 0·1)/5 = 7/15.
        // Macro R = (.5 + 1 + 0)/3 = .5; weighted R = (1 + 2)/5 = .6. Macro F = 1.3/3; weighted F = (1 + 1.6)/5 = .52.
        var result = ClassificationMetrics.PrecisionRecallF1([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);

        Assert.That(result.Precision, Is.EqualTo(new[] { 0.5, 2 / 3.0, 0 }).Within(1e-15));
        Assert.That(result.Recall, Is.EqualTo(new[] { 0.5, 1, 0 }).Within(1e-15));
        Assert.That(result.F1, Is.EqualTo(new[] { 0.5, 0.8, 0 }).Within(1e-15));
        Assert.That(result.Support, Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(result.MacroPrecision, Is.EqualTo(7 / 18.0).Within(1e-15));
        Assert.That(result.WeightedPrecision, Is.EqualTo(7 / 15.0).Within(1e-15));
        Assert.That(result.MacroRecall, Is.EqualTo(0.5).Within(1e-15));
        Assert.That(result.WeightedRecall, Is.EqualTo(0.6).Within(1e-15));
        Assert.That(result.MacroF1, Is.EqualTo(1.3 / 3).Within(1e-15));
        Assert.That(result.WeightedF1, Is.EqualTo(0.52).Within(1e-15));
    }

    [Test]
    public void Classes_absent_from_both_label_lists_are_left_out_of_the_macro_mean()
    {
        // Class 2 never occurs: scikit-learn's default labels are {0, 1}. Both classes perfect → macro 1, not 2/3.
        var result = ClassificationMetrics.PrecisionRecallF1([0, 1], [0, 1], 3);

        Assert.That(result.MacroF1, Is.EqualTo(1.0));
        Assert.That(result.IsAveraged, Is.EqualTo(new[] { true, true, false }));
    }

    [Test]
    public void Log_loss_on_a_tiny_case()
    {
        // −(ln .8 + ln .6) / 2 = (0.2231435513142097 + 0.5108256237659907) / 2.
        var loss = ClassificationMetrics.LogLoss([0, 1], [0.8, 0.2, 0.4, 0.6], 2);

        Assert.That(loss, Is.EqualTo((0.2231435513142097 + 0.5108256237659907) / 2).Within(1e-15));
    }

    [Test]
    public void Log_loss_clips_at_double_epsilon_and_renormalises_rows()
    {
        // A certain wrong answer: p = 0 is clipped to eps = 2^-52; the row [1 − eps, eps] sums to 1; −ln(2^-52) = 52·ln 2.
        Assert.That(ClassificationMetrics.LogLoss([1], [1, 0], 2), Is.EqualTo(52 * Math.Log(2)).Within(1e-12));

        // [.2 .2] is renormalised to [.5 .5]: ln 2.
        Assert.That(ClassificationMetrics.LogLoss([0], [0.2, 0.2], 2), Is.EqualTo(Math.Log(2)).Within(1e-15));
    }

    [Test]
    public void Log_loss_rejects_non_finite_probabilities()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.LogLoss([0], [double.NaN, 1], 2));
    }

    [Test]
    public void Roc_auc_counts_tied_scores_as_one_half()
    {
        // Class 1 column [.5 .5 .2 .9], y = 0 1 0 1. Positive/negative pairs: (.5 vs .5) = ½, (.5 vs .2) = 1,
        // (.9 vs .5) = 1, (.9 vs .2) = 1 → 3.5 / 4 = .875. Class 0's column 1 − p ranks the same pairs the other way
        // round: also .875. Macro = .875.
        var auc = ClassificationMetrics.RocAucOneVsRestMacro([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.8, 0.2, 0.1, 0.9], 2);

        Assert.That(auc, Is.EqualTo(0.875));
    }

    [Test]
    public void Roc_auc_three_classes_by_hand()
    {
        // Samples (y; scores): 0; [.6 .3 .1]  1; [.2 .5 .3]  2; [.3 .3 .4]  0; [.3 .4 .3].
        // Class 0 (pos .6, .3 | neg .2, .3): (.6>.2) 1, (.6>.3) 1, (.3>.2) 1, (.3=.3) ½ → 3.5/4 = .875.
        // Class 1 (pos .5 | neg .3, .3, .4): 3/3 = 1.
        // Class 2 (pos .4 | neg .1, .3, .3): 3/3 = 1.  Macro = (.875 + 1 + 1)/3.
        var auc = ClassificationMetrics.RocAucOneVsRestMacro(
            [0, 1, 2, 0], [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.3, 0.3, 0.4, 0.3, 0.4, 0.3], 3);

        Assert.That(auc, Is.EqualTo(2.875 / 3).Within(1e-15));
    }

    [Test]
    public void Roc_auc_rejects_a_class_missing_from_the_true_labels()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ClassificationMetrics.RocAucOneVsRestMacro([0, 1, 0], [0.5, 0.3, 0.2, 0.1, 0.8, 0.1, 0.6, 0.2, 0.2], 3));

        Assert.That(error!.Message, Does.Contain("Class 2"));
    }

    [Test]
    public void Label_out_of_range_throws()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.ConfusionMatrix([0, 3], [0, 1], 3));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy([0, 1], [0]));
    }
}
