using Chorus.Fusion;

namespace Chorus.Cli.Evaluation;

/// <summary>Fused scores (n × classes) of each strategy over <see cref="EvaluationData"/>.</summary>
internal static class StrategyScores
{
    public static double[] Soft(EvaluationData data, IReadOnlyList<double>? weights = null) =>
        Apply(data, Enumerable.Range(0, data.Count).ToArray(), new SoftVoting(data.MemberCount, data.ClassCount, weights).Fuse);

    public static double[] Hard(EvaluationData data, IReadOnlyList<double>? weights = null) =>
        Apply(data, Enumerable.Range(0, data.Count).ToArray(), new HardVoting(data.MemberCount, data.ClassCount, weights).Fuse);

    public static double[] Stacking(EvaluationData data, StackingModel model)
    {
        var fused = new double[data.Count * data.ClassCount];
        for (var i = 0; i < data.Count; i++)
        {
            model.Predict(data.Sample(i), fused.AsSpan(i * data.ClassCount, data.ClassCount));
        }

        return fused;
    }

    public static StackingModel FitStacking(EvaluationData data, IReadOnlyList<int> rows)
    {
        var (features, labels) = data.Subset(rows);
        return StackingModel.Fit(features, labels, data.ClassCount, new StackingOptions { MemberIds = data.MemberIds, ClassLabels = data.Labels.ToArray() });
    }

    public static EnsembleSelectionResult Select(EvaluationData data, IReadOnlyList<int> rows)
    {
        var members = Enumerable.Range(0, data.MemberCount).Select(m => Rows(data.Member(m), rows, data.ClassCount)).ToArray();
        var labels = rows.Select(r => data.Truth[r]).ToArray();
        return EnsembleSelection.Select(members, labels, data.ClassCount);
    }

    /// <summary>
    /// Stacking and selection evaluated honestly on the data they are fitted on: for each stratified fold, fit on the other
    /// folds and score the held-out one.
    /// </summary>
    public static (double[] Stacking, double[] Selection) CrossValidated(EvaluationData data, int folds)
    {
        var stacking = new double[data.Count * data.ClassCount];
        var selection = new double[data.Count * data.ClassCount];
        var testFolds = StratifiedKFold.Split(data.Truth, folds);
        foreach (var test in testFolds)
        {
            var testSet = test.ToHashSet();
            var train = Enumerable.Range(0, data.Count).Where(i => !testSet.Contains(i)).ToArray();
            var model = FitStacking(data, train);
            var weights = Select(data, train).Weights;
            var voting = new SoftVoting(data.MemberCount, data.ClassCount, weights);
            foreach (var i in test)
            {
                model.Predict(data.Sample(i), stacking.AsSpan(i * data.ClassCount, data.ClassCount));
                voting.Fuse(data.Sample(i), selection.AsSpan(i * data.ClassCount, data.ClassCount));
            }
        }

        return (stacking, selection);
    }

    private delegate FusionDecision Fuser(ReadOnlySpan<double> memberScores, Span<double> fused);

    private static double[] Apply(EvaluationData data, int[] rows, Fuser fuse)
    {
        var fused = new double[data.Count * data.ClassCount];
        foreach (var i in rows)
        {
            var decision = fuse(data.Sample(i), fused.AsSpan(i * data.ClassCount, data.ClassCount));
            if (!decision.HasDecision)
            {
                fused.AsSpan(i * data.ClassCount, data.ClassCount).Fill(double.NaN);
            }
        }

        return fused;
    }

    private static double[] Rows(double[] matrix, IReadOnlyList<int> rows, int classCount)
    {
        var result = new double[rows.Count * classCount];
        for (var j = 0; j < rows.Count; j++)
        {
            matrix.AsSpan(rows[j] * classCount, classCount).CopyTo(result.AsSpan(j * classCount, classCount));
        }

        return result;
    }
}
