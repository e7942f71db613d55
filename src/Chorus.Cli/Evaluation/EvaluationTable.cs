using Chorus.Fusion;

namespace Chorus.Cli.Evaluation;

/// <summary>The rows of the evaluation table: each member, then each fusion strategy.</summary>
internal static class EvaluationTable
{
    /// <summary>
    /// Members, soft and hard voting on <paramref name="data"/>; stacking and selection either cross-validated on it
    /// (<paramref name="folds"/>), or with the given fitted meta-model and weights (fitted on other data), or left out.
    /// </summary>
    public static List<ScoreRow> Build(EvaluationData data, IReadOnlyList<double> memberWeights, int? folds, StackingModel? stacking, IReadOnlyList<double>? selection)
    {
        var rows = new List<ScoreRow>();
        for (var m = 0; m < data.MemberCount; m++)
        {
            rows.Add(ScoreRow.Create(data.MemberIds[m], "member", data.Member(m), data));
        }

        rows.Add(ScoreRow.Create("soft voting", "fusion", StrategyScores.Soft(data, memberWeights), data));
        rows.Add(ScoreRow.Create("hard voting", "fusion", StrategyScores.Hard(data, memberWeights), data));
        if (folds is { } k)
        {
            var (stackingScores, selectionScores) = StrategyScores.CrossValidated(data, k);
            rows.Add(ScoreRow.Create($"stacking ({k}-fold CV)", "fusion", stackingScores, data));
            rows.Add(ScoreRow.Create($"selection ({k}-fold CV)", "fusion", selectionScores, data));
            return rows;
        }

        if (stacking is not null)
        {
            rows.Add(ScoreRow.Create("stacking", "fusion", StrategyScores.Stacking(data, stacking), data));
        }

        if (selection is not null)
        {
            rows.Add(ScoreRow.Create("ensemble selection", "fusion", StrategyScores.Soft(data, selection), data));
        }

        return rows;
    }
}
