namespace Chorus.Fusion;

/// <summary>
/// Caruana et al.'s ensemble selection (ICML 2004): greedy forward selection of members with replacement on a hold-out
/// set, as auto-sklearn's <c>EnsembleSelection(mode='fast')</c> runs it.
/// </summary>
/// <remarks>
/// <para>
/// Rule: let S be the running sum of the picked members' probability matrices and s how many were picked. At each of
/// <see cref="EnsembleSelectionOptions.Size"/> steps, every member j (all of them, with replacement) is scored on the
/// candidate <c>(S + p_j)·(1/(s+1))</c> (auto-sklearn multiplies by the reciprocal, and so does this); the member with
/// the lowest loss is appended, and its loss goes into the trajectory. A candidate with a NaN or infinite probability,
/// or a non-finite loss, is skipped (auto-sklearn's <c>nanmin</c>); a step where every candidate is skipped throws.
/// With one member, selection stops after one step (as auto-sklearn). Weights = picks / steps kept.
/// </para>
/// <para>
/// Departure: auto-sklearn breaks exact ties between members at random (<c>rand.choice</c>) and AutoGluon prefers members
/// already picked and then picks at random; this takes the lowest member index, so the result is deterministic. With
/// <see cref="EnsembleSelectionOptions.UseBest"/> the steps after the first lowest loss are dropped (AutoGluon's
/// <c>use_best</c>); auto-sklearn keeps them all. AutoGluon's row renormalisation of the candidate is not done (rows
/// of probabilities that sum to 1 stay so under averaging).
/// </para>
/// </remarks>
public static class EnsembleSelection
{
    /// <summary>Selects the ensemble.</summary>
    /// <param name="memberProbabilities">
    /// One n × K matrix (row-major, in the ensemble's label order) per member: its predictions on the hold-out set.
    /// </param>
    /// <param name="labels">The n true class indices of the hold-out set.</param>
    /// <param name="classCount">K, at least 1.</param>
    /// <param name="options">Size, loss and truncation; null for the defaults.</param>
    /// <exception cref="ArgumentException">The inputs disagree in shape, or a label is out of range.</exception>
    /// <exception cref="FusionConfigurationException">At some step every candidate's loss was non-finite.</exception>
    public static EnsembleSelectionResult Select(
        IReadOnlyList<double[]> memberProbabilities, int[] labels, int classCount, EnsembleSelectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(memberProbabilities);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new EnsembleSelectionOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Size, 1, nameof(options));
        var memberCount = memberProbabilities.Count;
        if (memberCount == 0)
        {
            throw new ArgumentException("There are no members to select from.", nameof(memberProbabilities));
        }

        if (labels.Length == 0)
        {
            throw new ArgumentException("The hold-out set is empty.", nameof(labels));
        }

        var length = labels.Length * classCount;
        for (var m = 0; m < memberCount; m++)
        {
            if (memberProbabilities[m] is null || memberProbabilities[m].Length != length)
            {
                throw new ArgumentException(
                    $"Member {m} has {memberProbabilities[m]?.Length ?? 0} values; {labels.Length} samples × {classCount} classes need {length}.",
                    nameof(memberProbabilities));
            }
        }

        for (var n = 0; n < labels.Length; n++)
        {
            if ((uint)labels[n] >= (uint)classCount)
            {
                throw new ArgumentException($"Sample {n} has label {labels[n]}; labels are class indices 0 to {classCount - 1}.", nameof(labels));
            }
        }

        var sum = new double[length];
        var candidate = new double[length];
        var order = new List<int>(options.Size);
        var trajectory = new List<double>(options.Size);
        for (var step = 0; step < options.Size; step++)
        {
            if (step > 0)
            {
                var last = memberProbabilities[order[^1]];
                for (var e = 0; e < length; e++)
                {
                    sum[e] += last[e];
                }
            }

            var scale = 1.0 / (step + 1);
            var best = -1;
            var bestLoss = double.NaN;
            for (var j = 0; j < memberCount; j++)
            {
                var p = memberProbabilities[j];
                for (var e = 0; e < length; e++)
                {
                    candidate[e] = (sum[e] + p[e]) * scale;
                }

                var loss = Loss(candidate, labels, classCount, options.Loss);
                if (double.IsFinite(loss) && (best < 0 || loss < bestLoss))
                {
                    best = j;
                    bestLoss = loss;
                }
            }

            if (best < 0)
            {
                throw new FusionConfigurationException(
                    $"Ensemble selection step {step + 1}: every one of the {memberCount} candidates has a non-finite loss "
                    + "(NaN or infinite probabilities); remove the members whose hold-out predictions are not finite.");
            }

            order.Add(best);
            trajectory.Add(bestLoss);
            if (memberCount == 1)
            {
                break;
            }
        }

        var kept = order.Count;
        if (options.UseBest)
        {
            kept = 0;
            for (var i = 1; i < trajectory.Count; i++)
            {
                if (trajectory[i] < trajectory[kept])
                {
                    kept = i;
                }
            }

            kept++;
        }

        var weights = new double[memberCount];
        for (var i = 0; i < kept; i++)
        {
            weights[order[i]] += 1;
        }

        for (var m = 0; m < memberCount; m++)
        {
            weights[m] /= kept;
        }

        return new EnsembleSelectionResult(weights, [.. order.Take(kept)], [.. trajectory.Take(kept)]);
    }

    private static double Loss(double[] probabilities, int[] labels, int classCount, EnsembleSelectionLoss kind)
    {
        if (!Scores.AllFinite(probabilities))
        {
            return double.NaN;
        }

        if (kind == EnsembleSelectionLoss.ErrorRate)
        {
            var correct = 0;
            for (var n = 0; n < labels.Length; n++)
            {
                if (Scores.ArgMax(probabilities.AsSpan(n * classCount, classCount)) == labels[n])
                {
                    correct++;
                }
            }

            return 1 - ((double)correct / labels.Length);
        }

        var total = 0.0;
        for (var n = 0; n < labels.Length; n++)
        {
            total += ClassificationMetrics.SampleLogLoss(probabilities.AsSpan(n * classCount, classCount), labels[n]);
        }

        return total / labels.Length;
    }
}
