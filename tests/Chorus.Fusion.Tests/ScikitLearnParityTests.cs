using System.Text.Json;

namespace Chorus.Fusion.Tests;

/// <summary>
/// Parity with scikit-learn 1.2.1 on the fixed arrays of tests/data/fusion/fusion_reference.json: voting, metrics and
/// folds to 1e-9, the stacking meta-model to the reference's solver precision, ensemble selection step by step.
/// </summary>
[TestFixture]
public sealed class ScikitLearnParityTests
{
    private const double Tolerance = 1e-9;

    private static int K => FusionReference.ClassCount;

    [TestCase("soft_unweighted")]
    [TestCase("soft_weighted")]
    public void Soft_voting_matches_VotingClassifier(string key)
    {
        var expected = FusionReference.Root.GetProperty("voting").GetProperty(key);
        var voting = new SoftVoting(FusionReference.MemberCount, K, Weights(expected));
        var probabilities = FusionReference.Matrix(expected.GetProperty("probabilities"));
        var predictions = FusionReference.Ints(expected.GetProperty("predictions"));
        var fused = new double[K];

        for (var n = 0; n < FusionReference.SampleCount; n++)
        {
            var decision = voting.Fuse(FusionReference.SampleScores(n), fused);

            Assert.That(fused, Is.EqualTo(probabilities.AsSpan(n * K, K).ToArray()).Within(Tolerance), $"sample {n}");
            Assert.That(decision.ClassIndex, Is.EqualTo(predictions[n]), $"sample {n}");
            Assert.That(decision.IsTie, Is.False, $"sample {n}");
            Assert.That(decision.ExcludedMembers, Is.Zero);
        }
    }

    [TestCase("hard_unweighted")]
    [TestCase("hard_weighted")]
    public void Hard_voting_matches_VotingClassifier_including_its_ties(string key)
    {
        var expected = FusionReference.Root.GetProperty("voting").GetProperty(key);
        var weights = Weights(expected);
        var voting = new HardVoting(FusionReference.MemberCount, K, weights);
        var predictions = FusionReference.Ints(expected.GetProperty("predictions"));
        var counts = FusionReference.Matrix(expected.GetProperty("vote_counts"));
        var ties = FusionReference.Ints(expected.GetProperty("tie_samples")).ToHashSet();
        var weightSum = weights?.Sum() ?? FusionReference.MemberCount;
        var fused = new double[K];
        var tiesSeen = 0;

        for (var n = 0; n < FusionReference.SampleCount; n++)
        {
            var decision = voting.Fuse(FusionReference.SampleScores(n), fused);

            Assert.That(decision.ClassIndex, Is.EqualTo(predictions[n]), $"sample {n}");
            Assert.That(decision.IsTie, Is.EqualTo(ties.Contains(n)), $"sample {n}");
            Assert.That(fused.Select(share => share * weightSum), Is.EqualTo(counts.AsSpan(n * K, K).ToArray()).Within(Tolerance), $"sample {n}");
            if (decision.IsTie)
            {
                tiesSeen++;
                var tied = FusionReference.Ints(expected.GetProperty("tied_classes").GetProperty(n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(decision.ClassIndex, Is.EqualTo(tied.Min()));
            }
        }

        Assert.That(tiesSeen, Is.EqualTo(ties.Count).And.GreaterThan(0));
    }

    public static IEnumerable<TestCaseData> ProbabilityMetricCases()
    {
        yield return new TestCaseData("soft_unweighted", -1).SetName("Metrics_match_sklearn(soft_unweighted)");
        yield return new TestCaseData("soft_weighted", -1).SetName("Metrics_match_sklearn(soft_weighted)");
        for (var m = 0; m < 3; m++)
        {
            yield return new TestCaseData("members", m).SetName($"Metrics_match_sklearn(member {m})");
        }
    }

    [TestCaseSource(nameof(ProbabilityMetricCases))]
    public void Metrics_match_sklearn(string key, int member)
    {
        var metrics = FusionReference.Root.GetProperty("metrics").GetProperty(key);
        if (member >= 0)
        {
            metrics = metrics[member];
        }

        var probabilities = member >= 0
            ? FusionReference.MemberProbabilities(member)
            : FusionReference.Matrix(FusionReference.Root.GetProperty("voting").GetProperty(key).GetProperty("probabilities"));
        var labels = FusionReference.Labels;
        var predicted = FusionReference.ArgMax(probabilities, K);

        AssertLabelMetrics(metrics, labels, predicted);
        Assert.That(ClassificationMetrics.LogLoss(labels, probabilities, K), Is.EqualTo(metrics.GetProperty("log_loss").GetDouble()).Within(Tolerance));
        Assert.That(ClassificationMetrics.RocAucOneVsRestMacro(labels, probabilities, K), Is.EqualTo(metrics.GetProperty("roc_auc_ovr_macro").GetDouble()).Within(Tolerance));
    }

    [Test]
    public void Zero_division_metrics_match_sklearn()
    {
        var metrics = FusionReference.Root.GetProperty("metrics").GetProperty("zero_division_case");

        AssertLabelMetrics(metrics, FusionReference.Labels, FusionReference.Ints(metrics.GetProperty("y_pred")));
    }

    [Test]
    public void Stratified_k_fold_matches_sklearn()
    {
        var expected = FusionReference.Root.GetProperty("stratified_kfold");
        var labels = FusionReference.Labels;
        var splits = expected.GetProperty("n_splits").GetInt32();

        var folds = StratifiedKFold.Split(labels, splits);

        Assert.That(StratifiedKFold.AssignFolds(labels, splits), Is.EqualTo(FusionReference.Ints(expected.GetProperty("test_fold_of_sample"))));
        for (var i = 0; i < splits; i++)
        {
            var fold = expected.GetProperty("folds")[i];
            Assert.That(folds[i], Is.EqualTo(FusionReference.Ints(fold.GetProperty("test"))), $"fold {i} test");
            Assert.That(StratifiedKFold.TrainIndices(folds, i, labels.Length), Is.EqualTo(FusionReference.Ints(fold.GetProperty("train"))), $"fold {i} train");
        }
    }

    [TestCase("1.0", 1.0)]
    [TestCase("0.1", 0.1)]
    public void Stacking_meta_model_matches_LogisticRegression(string key, double c)
    {
        var fits = FusionReference.Root.GetProperty("stacking_logistic_regression").GetProperty("fits").GetProperty(key);
        var features = FusionReference.StackingFeatures();
        var labels = FusionReference.Labels;

        var model = StackingModel.Fit(features, labels, K, new StackingOptions { CGrid = [c] });

        var probabilities = new double[labels.Length * K];
        for (var n = 0; n < labels.Length; n++)
        {
            model.Predict(features.AsSpan(n * model.FeatureCount, model.FeatureCount), probabilities.AsSpan(n * K, K));
        }

        // newton-cg converged to a gradient of ~1e-9 (the optimum to ~1e-8): the same minimiser as ours. Measured when
        // written: coefficients within 1.5e-9, probabilities within 2.5e-10.
        var newton = fits.GetProperty("newton_cg");
        Assert.That(model.Coefficients, Is.EqualTo(FusionReference.Matrix(newton.GetProperty("coef"))).Within(1e-7));
        Assert.That(model.Intercepts, Is.EqualTo(Centred(FusionReference.Doubles(newton.GetProperty("intercept")))).Within(1e-7));
        Assert.That(probabilities, Is.EqualTo(FusionReference.Matrix(newton.GetProperty("predict_proba"))).Within(1e-8));
        Assert.That(FusionReference.ArgMax(probabilities, K), Is.EqualTo(FusionReference.Ints(newton.GetProperty("predictions"))));

        // lbfgs (what StackingClassifier uses) stops on scipy's relative function tolerance, ~1e-4 from the optimum
        // (the reference measured 6.5e-5 on the coefficients and 9.5e-5 on the centred intercepts against newton-cg).
        var lbfgs = fits.GetProperty("lbfgs");
        Assert.That(model.Coefficients, Is.EqualTo(FusionReference.Matrix(lbfgs.GetProperty("coef"))).Within(1e-4));
        Assert.That(model.Intercepts, Is.EqualTo(Centred(FusionReference.Doubles(lbfgs.GetProperty("intercept")))).Within(1e-4));
        Assert.That(probabilities, Is.EqualTo(FusionReference.Matrix(lbfgs.GetProperty("predict_proba"))).Within(1e-4));
    }

    [Test]
    public void Stacking_with_cross_validation_runs_on_the_reference_and_picks_the_best_mean_loss()
    {
        var model = StackingModel.Fit(FusionReference.StackingFeatures(), FusionReference.Labels, K);

        var best = model.CrossValidationLogLoss.Min();
        Assert.That(model.C, Is.EqualTo(model.CGrid[model.CrossValidationLogLoss.ToList().IndexOf(best)]));
        Assert.That(model.CrossValidationLogLoss, Is.All.GreaterThan(0).And.All.LessThan(Math.Log(K)));
    }

    [TestCase("log_loss", EnsembleSelectionLoss.LogLoss)]
    [TestCase("accuracy", EnsembleSelectionLoss.ErrorRate)]
    public void Ensemble_selection_matches_auto_sklearn_step_by_step(string key, EnsembleSelectionLoss loss)
    {
        var expected = FusionReference.Root.GetProperty("ensemble_selection").GetProperty(key);
        var members = Enumerable.Range(0, FusionReference.MemberCount).Select(FusionReference.MemberProbabilities).ToArray();
        var size = expected.GetProperty("ensemble_size").GetInt32();

        var result = EnsembleSelection.Select(members, FusionReference.Labels, K, new EnsembleSelectionOptions { Size = size, Loss = loss });

        Assert.That(result.Order, Is.EqualTo(FusionReference.Ints(expected.GetProperty("order"))));
        Assert.That(result.Trajectory, Is.EqualTo(FusionReference.Doubles(expected.GetProperty("trajectory"))).Within(Tolerance));
        Assert.That(result.Weights, Is.EqualTo(FusionReference.Doubles(expected.GetProperty("weights"))));

        // The selected weights drive soft voting: Σ_j w_j·p_j (the weights sum to 1).
        var voting = new SoftVoting(members.Length, K, [.. result.Weights]);
        var fusedExpected = FusionReference.Matrix(expected.GetProperty("fused_probabilities"));
        var predictions = FusionReference.Ints(expected.GetProperty("fused_predictions"));
        var fused = new double[K];
        for (var n = 0; n < FusionReference.SampleCount; n++)
        {
            var decision = voting.Fuse(FusionReference.SampleScores(n), fused);
            Assert.That(fused, Is.EqualTo(fusedExpected.AsSpan(n * K, K).ToArray()).Within(Tolerance), $"sample {n}");
            Assert.That(decision.ClassIndex, Is.EqualTo(predictions[n]), $"sample {n}");
        }
    }

    private static void AssertLabelMetrics(JsonElement metrics, int[] labels, int[] predicted)
    {
        Assert.That(ClassificationMetrics.Accuracy(labels, predicted), Is.EqualTo(metrics.GetProperty("accuracy").GetDouble()).Within(Tolerance));
        Assert.That(ClassificationMetrics.ConfusionMatrix(labels, predicted, K), Is.EqualTo(FusionReference.IntMatrix(metrics.GetProperty("confusion_matrix"))));

        var result = ClassificationMetrics.PrecisionRecallF1(labels, predicted, K);
        var perClass = metrics.GetProperty("per_class");
        Assert.That(result.Precision, Is.EqualTo(FusionReference.Doubles(perClass.GetProperty("precision"))).Within(Tolerance));
        Assert.That(result.Recall, Is.EqualTo(FusionReference.Doubles(perClass.GetProperty("recall"))).Within(Tolerance));
        Assert.That(result.F1, Is.EqualTo(FusionReference.Doubles(perClass.GetProperty("f1"))).Within(Tolerance));
        Assert.That(result.Support, Is.EqualTo(FusionReference.Ints(perClass.GetProperty("support"))));
        var macro = metrics.GetProperty("macro");
        Assert.That(result.MacroPrecision, Is.EqualTo(macro.GetProperty("precision").GetDouble()).Within(Tolerance));
        Assert.That(result.MacroRecall, Is.EqualTo(macro.GetProperty("recall").GetDouble()).Within(Tolerance));
        Assert.That(result.MacroF1, Is.EqualTo(macro.GetProperty("f1").GetDouble()).Within(Tolerance));
        var weighted = metrics.GetProperty("weighted");
        Assert.That(result.WeightedPrecision, Is.EqualTo(weighted.GetProperty("precision").GetDouble()).Within(Tolerance));
        Assert.That(result.WeightedRecall, Is.EqualTo(weighted.GetProperty("recall").GetDouble()).Within(Tolerance));
        Assert.That(result.WeightedF1, Is.EqualTo(weighted.GetProperty("f1").GetDouble()).Within(Tolerance));
    }

    private static double[]? Weights(JsonElement entry)
    {
        var weights = entry.GetProperty("weights");
        return weights.ValueKind == JsonValueKind.Null ? null : FusionReference.Doubles(weights);
    }

    private static double[] Centred(double[] intercepts)
    {
        var mean = intercepts.Average();
        return intercepts.Select(b => b - mean).ToArray();
    }
}
