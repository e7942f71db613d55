namespace Chorus.Fusion;

/// <summary>
/// Per-class precision, recall, F1 and support, with their macro and support-weighted averages, as computed by
/// <see cref="ClassificationMetrics.PrecisionRecallF1"/>.
/// </summary>
public sealed class PrecisionRecallF1Result
{
    internal PrecisionRecallF1Result(double[] precision, double[] recall, double[] f1, int[] support, bool[] averaged)
    {
        Precision = precision;
        Recall = recall;
        F1 = f1;
        Support = support;
        IsAveraged = averaged;

        var labels = 0;
        var supportSum = 0.0;
        double macroP = 0, macroR = 0, macroF = 0, weightedP = 0, weightedR = 0, weightedF = 0;
        for (var k = 0; k < precision.Length; k++)
        {
            if (!averaged[k])
            {
                continue;
            }

            labels++;
            macroP += precision[k];
            macroR += recall[k];
            macroF += f1[k];
            weightedP += precision[k] * support[k];
            weightedR += recall[k] * support[k];
            weightedF += f1[k] * support[k];
            supportSum += support[k];
        }

        MacroPrecision = macroP / labels;
        MacroRecall = macroR / labels;
        MacroF1 = macroF / labels;
        WeightedPrecision = weightedP / supportSum;
        WeightedRecall = weightedR / supportSum;
        WeightedF1 = weightedF / supportSum;
    }

    /// <summary>Per class: tp / (tp + fp), or 0 when the class was never predicted.</summary>
    public IReadOnlyList<double> Precision { get; }

    /// <summary>Per class: tp / (tp + fn), or 0 when the class never occurs in the true labels.</summary>
    public IReadOnlyList<double> Recall { get; }

    /// <summary>Per class: 2·P·R / (P + R), or 0 when P + R = 0.</summary>
    public IReadOnlyList<double> F1 { get; }

    /// <summary>Per class: how many samples truly belong to it.</summary>
    public IReadOnlyList<int> Support { get; }

    /// <summary>
    /// Per class: whether it takes part in the averages, i.e. it occurs in the true or the predicted labels (scikit-learn's
    /// default label set, <c>unique_labels(y_true, y_pred)</c>).
    /// </summary>
    public IReadOnlyList<bool> IsAveraged { get; }

    /// <summary>The unweighted mean of <see cref="Precision"/> over the averaged classes.</summary>
    public double MacroPrecision { get; }

    /// <summary>The unweighted mean of <see cref="Recall"/> over the averaged classes.</summary>
    public double MacroRecall { get; }

    /// <summary>The unweighted mean of <see cref="F1"/> over the averaged classes.</summary>
    public double MacroF1 { get; }

    /// <summary>The mean of <see cref="Precision"/> weighted by <see cref="Support"/>.</summary>
    public double WeightedPrecision { get; }

    /// <summary>The mean of <see cref="Recall"/> weighted by <see cref="Support"/>.</summary>
    public double WeightedRecall { get; }

    /// <summary>The mean of <see cref="F1"/> weighted by <see cref="Support"/>.</summary>
    public double WeightedF1 { get; }
}
