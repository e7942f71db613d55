namespace Chorus.Fusion;

/// <summary>
/// Stratified k-fold splits, exactly scikit-learn's <c>StratifiedKFold(n_splits, shuffle=False)</c>, so folds computed
/// here and in Python are the same samples.
/// </summary>
/// <remarks>
/// The rule (scikit-learn 1.2's <c>_make_test_folds</c>): classes are numbered by order of first appearance in the labels;
/// the encoded labels are sorted and dealt round-robin to the folds (<c>allocation[i, k]</c> = how many of class k land in
/// <c>sorted[i::folds]</c>), so per-class fold sizes differ by at most one and the first folds get the extras; within each
/// class the samples, in data order, fill fold 0's share, then fold 1's, and so on (contiguous blocks). Test indices of a
/// fold are returned in ascending order. Example: labels b,b,a,b,a,b,a,c,b,a with 3 folds give {0,1,2,7}, {3,4,5}, {6,8,9}.
/// Like scikit-learn this throws when there are fewer than 2 folds, more folds than samples, or more folds than samples in
/// every class. scikit-learn only warns when some (not all) classes have fewer samples than folds; so does nothing here:
/// such a class is simply absent from some folds.
/// </remarks>
public static class StratifiedKFold
{
    /// <summary>Splits the samples into <paramref name="folds"/> stratified folds.</summary>
    /// <param name="labels">One class label per sample (any integers).</param>
    /// <param name="folds">The number of folds, at least 2.</param>
    /// <returns>For each fold, the indices of its test samples in ascending order; the rest are its training samples.</returns>
    /// <exception cref="ArgumentException">The folds cannot be made (see the remarks).</exception>
    public static int[][] Split(ReadOnlySpan<int> labels, int folds)
    {
        var testFold = AssignFolds(labels, folds);
        var sizes = new int[folds];
        foreach (var fold in testFold)
        {
            sizes[fold]++;
        }

        var result = new int[folds][];
        for (var i = 0; i < folds; i++)
        {
            result[i] = new int[sizes[i]];
        }

        var filled = new int[folds];
        for (var n = 0; n < testFold.Length; n++)
        {
            var fold = testFold[n];
            result[fold][filled[fold]++] = n;
        }

        return result;
    }

    /// <summary>The training indices of one fold: every sample not in its test set, ascending.</summary>
    internal static int[] TrainIndices(int[][] testFolds, int fold, int sampleCount)
    {
        var test = testFolds[fold];
        var train = new int[sampleCount - test.Length];
        var t = 0;
        var r = 0;
        for (var n = 0; n < sampleCount; n++)
        {
            if (t < test.Length && test[t] == n)
            {
                t++;
            }
            else
            {
                train[r++] = n;
            }
        }

        return train;
    }

    /// <summary>The test fold of each sample (scikit-learn's <c>test_folds</c> array).</summary>
    internal static int[] AssignFolds(ReadOnlySpan<int> labels, int folds)
    {
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Stratified k-fold needs at least 2 folds.");
        }

        if (folds > labels.Length)
        {
            throw new ArgumentException($"Cannot split {labels.Length} samples into {folds} folds: there are fewer samples than folds.", nameof(folds));
        }

        // Encode classes by order of first appearance.
        var codes = new Dictionary<int, int>();
        var encoded = new int[labels.Length];
        for (var n = 0; n < labels.Length; n++)
        {
            if (!codes.TryGetValue(labels[n], out var code))
            {
                code = codes.Count;
                codes.Add(labels[n], code);
            }

            encoded[n] = code;
        }

        var classCount = codes.Count;
        var counts = new int[classCount];
        foreach (var code in encoded)
        {
            counts[code]++;
        }

        var anyLargeEnough = false;
        foreach (var count in counts)
        {
            anyLargeEnough |= count >= folds;
        }

        if (!anyLargeEnough)
        {
            throw new ArgumentException(
                $"{folds} folds need at least {folds} samples in some class, but the largest class has {counts.Max()}; use fewer folds.",
                nameof(folds));
        }

        // allocation[i, k] = count of class k among sorted[i], sorted[i + folds], ...; the sorted encoded labels are the
        // classes in code order, each repeated counts[k] times, so position p holds the class whose run contains p.
        var allocation = new int[folds, classCount];
        var position = 0;
        for (var k = 0; k < classCount; k++)
        {
            for (var c = 0; c < counts[k]; c++, position++)
            {
                allocation[position % folds, k]++;
            }
        }

        var testFold = new int[labels.Length];
        var nextFold = new int[classCount];
        var usedInFold = new int[classCount];
        for (var n = 0; n < encoded.Length; n++)
        {
            var k = encoded[n];
            while (usedInFold[k] == allocation[nextFold[k], k])
            {
                nextFold[k]++;
                usedInFold[k] = 0;
            }

            testFold[n] = nextFold[k];
            usedInFold[k]++;
        }

        return testFold;
    }
}
