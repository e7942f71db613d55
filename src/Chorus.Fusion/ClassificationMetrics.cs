namespace Chorus.Fusion;

/// <summary>
/// Classification metrics with scikit-learn 1.2's definitions. Class labels are indices 0 to classCount - 1 in the
/// ensemble's label order; probability and score matrices are row-major, one row of classCount values per sample.
/// </summary>
/// <remarks>
/// Inputs scikit-learn rejects are rejected here too (NaN or infinite scores, a class missing from the true labels for
/// ROC AUC), with an <see cref="ArgumentException"/>. Sample weights are not supported.
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>
    /// The clipping bound of <see cref="LogLoss"/>: <c>np.finfo(np.float64).eps</c>, scikit-learn 1.2's <c>eps='auto'</c>
    /// for double input.
    /// </summary>
    public const double LogLossEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// The fraction of samples whose prediction equals the truth: <c>accuracy_score(y_true, y_pred)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty.</exception>
    public static double Accuracy(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred)
    {
        CheckPair(yTrue, yPred);
        var correct = 0;
        for (var n = 0; n < yTrue.Length; n++)
        {
            if (yTrue[n] == yPred[n])
            {
                correct++;
            }
        }

        return (double)correct / yTrue.Length;
    }

    /// <summary>
    /// Precision, recall and F1 per class, with macro and weighted averages:
    /// <c>precision_recall_fscore_support(y_true, y_pred, average=None|'macro'|'weighted', zero_division=0)</c>.
    /// </summary>
    /// <remarks>
    /// Per class, P = tp/(tp+fp), R = tp/(tp+fn), F1 = 2PR/(P+R). Every 0/0 is 0 (scikit-learn's <c>zero_division=0</c>;
    /// its default <c>'warn'</c> also gives 0 and only adds a warning). Averages run over the classes that occur in
    /// <paramref name="yTrue"/> or <paramref name="yPred"/> (scikit-learn's default label set); a class that occurs in
    /// neither gets zeros and support 0 and is left out of the macro mean. Weighted = the support-weighted mean.
    /// </remarks>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty, or a label is out of range.</exception>
    public static PrecisionRecallF1Result PrecisionRecallF1(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, int classCount)
    {
        var matrix = ConfusionMatrix(yTrue, yPred, classCount);
        var precision = new double[classCount];
        var recall = new double[classCount];
        var f1 = new double[classCount];
        var support = new int[classCount];
        var averaged = new bool[classCount];
        for (var k = 0; k < classCount; k++)
        {
            var tp = matrix[k, k];
            var trueSum = 0;
            var predSum = 0;
            for (var j = 0; j < classCount; j++)
            {
                trueSum += matrix[k, j];
                predSum += matrix[j, k];
            }

            support[k] = trueSum;
            averaged[k] = trueSum > 0 || predSum > 0;
            precision[k] = predSum == 0 ? 0 : (double)tp / predSum;
            recall[k] = trueSum == 0 ? 0 : (double)tp / trueSum;

            // scikit-learn 1.2 computes F from P and R, with a zero denominator replaced so that F = 0.
            var denominator = precision[k] + recall[k];
            f1[k] = denominator == 0 ? 0 : 2 * precision[k] * recall[k] / denominator;
        }

        return new PrecisionRecallF1Result(precision, recall, f1, support, averaged);
    }

    /// <summary>
    /// The mean negative log-likelihood of the true classes: scikit-learn 1.2's
    /// <c>log_loss(y_true, p, labels=range(classCount))</c> with <c>eps='auto'</c>.
    /// </summary>
    /// <remarks>
    /// Each probability is clipped to [<see cref="LogLossEpsilon"/>, 1 − <see cref="LogLossEpsilon"/>], each row is then
    /// divided by its sum (scikit-learn 1.2 to 1.4 renormalise; 1.5 and later only warn), and the loss is
    /// <c>−(1/N)·Σ_n log p[n, y_n]</c>. scikit-learn 1.1 and earlier clipped at 1e-15 instead.
    /// </remarks>
    /// <exception cref="ArgumentException">Lengths disagree, a label is out of range, or a probability is not finite.</exception>
    public static double LogLoss(ReadOnlySpan<int> yTrue, ReadOnlySpan<double> probabilities, int classCount)
    {
        CheckScores(yTrue, probabilities, classCount, nameof(probabilities));
        var total = 0.0;
        for (var n = 0; n < yTrue.Length; n++)
        {
            total += SampleLogLoss(probabilities.Slice(n * classCount, classCount), yTrue[n]);
        }

        return total / yTrue.Length;
    }

    /// <summary>
    /// One-vs-rest ROC AUC averaged over classes: <c>roc_auc_score(y_true, scores, multi_class='ovr', average='macro')</c>.
    /// </summary>
    /// <remarks>
    /// For each class k, the samples of class k are positives and the rest negatives, ranked by column k; the AUC is the
    /// trapezoidal area under the ROC curve with one point per distinct score, so tied scores across a positive and a
    /// negative count one half (the Mann–Whitney statistic). The result is the unweighted mean over classes. As in
    /// scikit-learn, every class must occur in <paramref name="yTrue"/> (otherwise a class has no positives and its AUC
    /// is undefined). Departure: scikit-learn also demands that rows sum to 1 for more than two classes; this does not,
    /// since each class's AUC depends only on the ranking within its column. For two classes scikit-learn scores the
    /// positive column only; the macro mean over both columns is the same number when rows sum to 1.
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// Lengths disagree, a label is out of range, a score is not finite, fewer than two classes, or a class is absent
    /// from <paramref name="yTrue"/>.
    /// </exception>
    public static double RocAucOneVsRestMacro(ReadOnlySpan<int> yTrue, ReadOnlySpan<double> scores, int classCount)
    {
        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "ROC AUC needs at least two classes.");
        }

        CheckScores(yTrue, scores, classCount, nameof(scores));
        var counts = new int[classCount];
        foreach (var label in yTrue)
        {
            counts[label]++;
        }

        for (var k = 0; k < classCount; k++)
        {
            if (counts[k] == 0)
            {
                throw new ArgumentException(
                    $"Class {k} does not occur in the true labels, so its one-vs-rest ROC AUC is undefined; every one of the {classCount} classes must occur.",
                    nameof(yTrue));
            }
        }

        var n = yTrue.Length;
        var column = new double[n];
        var order = new int[n];
        var sum = 0.0;
        for (var k = 0; k < classCount; k++)
        {
            for (var i = 0; i < n; i++)
            {
                column[i] = -scores[i * classCount + k];
                order[i] = i;
            }

            // Ascending by negated score = descending by score.
            Array.Sort(column, order);
            sum += BinaryAuc(column, order, yTrue, k, counts[k], n - counts[k]);
        }

        return sum / classCount;
    }

    /// <summary>
    /// Counts of (true class, predicted class) pairs: <c>confusion_matrix(y_true, y_pred, labels=range(classCount))</c>;
    /// rows are the true class, columns the predicted class.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays differ in length or are empty, or a label is out of range.</exception>
    public static int[,] ConfusionMatrix(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred, int classCount)
    {
        CheckPair(yTrue, yPred);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var matrix = new int[classCount, classCount];
        for (var n = 0; n < yTrue.Length; n++)
        {
            CheckLabel(yTrue[n], classCount, n, nameof(yTrue));
            CheckLabel(yPred[n], classCount, n, nameof(yPred));
            matrix[yTrue[n], yPred[n]]++;
        }

        return matrix;
    }

    /// <summary>One sample's clipped, renormalised negative log-likelihood (the row must be finite).</summary>
    internal static double SampleLogLoss(ReadOnlySpan<double> row, int label)
    {
        const double Upper = 1 - LogLossEpsilon;
        var rowSum = 0.0;
        var truth = 0.0;
        for (var k = 0; k < row.Length; k++)
        {
            var p = Math.Clamp(row[k], LogLossEpsilon, Upper);
            rowSum += p;
            if (k == label)
            {
                truth = p;
            }
        }

        return -Math.Log(truth / rowSum);
    }

    private static double BinaryAuc(double[] negatedSorted, int[] order, ReadOnlySpan<int> yTrue, int positiveClass, int positives, int negatives)
    {
        // Walk distinct thresholds from the highest score down; each step adds a trapezoid between the previous
        // (fp, tp) point and the new one. Counts stay integers until the one division at the end.
        long tp = 0;
        long fp = 0;
        double area = 0;
        var i = 0;
        while (i < order.Length)
        {
            var previousTp = tp;
            var previousFp = fp;
            var threshold = negatedSorted[i];
            while (i < order.Length && negatedSorted[i] == threshold)
            {
                if (yTrue[order[i]] == positiveClass)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                i++;
            }

            area += (fp - previousFp) * (double)(tp + previousTp);
        }

        return area / (2.0 * positives * negatives);
    }

    private static void CheckPair(ReadOnlySpan<int> yTrue, ReadOnlySpan<int> yPred)
    {
        if (yTrue.IsEmpty)
        {
            throw new ArgumentException("There are no samples.", nameof(yTrue));
        }

        if (yTrue.Length != yPred.Length)
        {
            throw new ArgumentException($"{yTrue.Length} true labels but {yPred.Length} predictions.", nameof(yPred));
        }
    }

    private static void CheckScores(ReadOnlySpan<int> yTrue, ReadOnlySpan<double> scores, int classCount, string scoresName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (yTrue.IsEmpty)
        {
            throw new ArgumentException("There are no samples.", nameof(yTrue));
        }

        if (scores.Length != yTrue.Length * classCount)
        {
            throw new ArgumentException(
                $"{yTrue.Length} samples × {classCount} classes need {yTrue.Length * classCount} values, got {scores.Length}.", scoresName);
        }

        for (var n = 0; n < yTrue.Length; n++)
        {
            CheckLabel(yTrue[n], classCount, n, nameof(yTrue));
        }

        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException(
                    $"Sample {i / classCount}, class {i % classCount} has the non-finite value {scores[i]}.", scoresName);
            }
        }
    }

    private static void CheckLabel(int label, int classCount, int sample, string name)
    {
        if ((uint)label >= (uint)classCount)
        {
            throw new ArgumentException($"Sample {sample} has label {label}; labels are class indices 0 to {classCount - 1}.", name);
        }
    }
}
