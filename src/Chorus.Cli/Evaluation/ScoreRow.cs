using Chorus.Fusion;

namespace Chorus.Cli.Evaluation;

/// <summary>One line of the evaluation table: a member or a strategy, with its scores and metrics.</summary>
internal sealed record ScoreRow(string Name, string Kind, double[] Probabilities, double Accuracy, double MacroF1, double LogLoss)
{
    public static ScoreRow Create(string name, string kind, double[] probabilities, EvaluationData data)
    {
        var predicted = EvaluationData.Decisions(probabilities, data.ClassCount);
        var accuracy = ClassificationMetrics.Accuracy(data.Truth, predicted);
        var scored = predicted.All(p => p >= 0);
        var f1 = scored ? ClassificationMetrics.PrecisionRecallF1(data.Truth, predicted, data.ClassCount).MacroF1 : double.NaN;
        var logLoss = probabilities.All(double.IsFinite) ? ClassificationMetrics.LogLoss(data.Truth, probabilities, data.ClassCount) : double.NaN;
        return new ScoreRow(name, kind, probabilities, accuracy, f1, logLoss);
    }
}
