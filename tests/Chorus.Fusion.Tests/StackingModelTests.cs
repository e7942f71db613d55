using System.Text;

namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class StackingModelTests
{
    private static StackingOptions Options => new() { MemberIds = StackingData.MemberIds, ClassLabels = StackingData.Labels };

    private static StackingOptions SingleC => new() { MemberIds = StackingData.MemberIds, ClassLabels = StackingData.Labels, CGrid = [1] };

    [Test]
    public void Fit_recovers_a_separable_problem()
    {
        var (features, labels) = StackingData.Separable(90, seed: 1);
        var (testFeatures, testLabels) = StackingData.Separable(60, seed: 2);

        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, Options);

        Assert.That(Accuracy(model, features, labels), Is.EqualTo(1.0));
        Assert.That(Accuracy(model, testFeatures, testLabels), Is.EqualTo(1.0));
        Assert.That(model.FeatureCount, Is.EqualTo(6));
        Assert.That(model.MemberIds, Is.EqualTo(StackingData.MemberIds));
        Assert.That(model.ClassLabels, Is.EqualTo(StackingData.Labels));
    }

    [Test]
    public void C_is_the_grid_value_with_the_lowest_cross_validated_log_loss()
    {
        var (separableFeatures, separableLabels) = StackingData.Separable(90, seed: 3);
        var (noiseFeatures, noiseLabels) = StackingData.Unrelated(300, seed: 4);

        var separable = StackingModel.Fit(separableFeatures, separableLabels, StackingData.ClassCount, Options);
        var noise = StackingModel.Fit(noiseFeatures, noiseLabels, StackingData.ClassCount, Options);

        foreach (var model in new[] { separable, noise })
        {
            Assert.That(model.CGrid, Is.EqualTo(new[] { 0.01, 0.1, 1, 10, 100 }));
            Assert.That(model.CrossValidationLogLoss, Has.Count.EqualTo(5));
            Assert.That(model.Folds, Is.EqualTo(5));
            var best = model.CrossValidationLogLoss.Min();
            Assert.That(model.C, Is.EqualTo(model.CGrid[model.CrossValidationLogLoss.ToList().IndexOf(best)]));
        }

        // Separable: less regularisation keeps lowering the held-out loss. Noise: strong regularisation wins, and its
        // held-out loss is close to the uniform prior's ln 3.
        Assert.That(separable.C, Is.GreaterThanOrEqualTo(10));
        Assert.That(noise.C, Is.LessThanOrEqualTo(0.1));
        Assert.That(noise.CrossValidationLogLoss[0], Is.EqualTo(Math.Log(3)).Within(0.01));
    }

    [Test]
    public void Equal_cross_validated_losses_choose_the_smaller_C()
    {
        // With every feature 0 the coefficients get no gradient but the penalty's, so they stay 0 for every C and each
        // fold's fit is the same intercept-only model: all five losses are equal, and the smallest C wins.
        var labels = Enumerable.Range(0, 30).Select(n => n % 3).ToArray();
        var features = new double[30 * 6];

        var model = StackingModel.Fit(features, labels, 3, new StackingOptions { CGrid = [10, 0.1, 1] });

        Assert.That(model.CrossValidationLogLoss, Is.All.EqualTo(model.CrossValidationLogLoss[0]));
        Assert.That(model.C, Is.EqualTo(0.1));

        // Balanced folds of 6 (2 per class) leave a balanced training set: the intercept-only model predicts 1/3 each.
        Assert.That(model.CrossValidationLogLoss[0], Is.EqualTo(Math.Log(3)).Within(1e-9));
    }

    [Test]
    public void A_single_C_skips_cross_validation()
    {
        var (features, labels) = StackingData.Separable(30, seed: 5);

        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, new StackingOptions { CGrid = [0.5] });

        Assert.That(model.C, Is.EqualTo(0.5));
        Assert.That(model.CrossValidationLogLoss, Is.Empty);
        Assert.That(model.Folds, Is.Zero);
        Assert.That(model.MemberIds, Is.Empty);
    }

    [Test]
    public void The_optimiser_converges_tightly_and_intercepts_are_centred()
    {
        var (features, labels) = StackingData.Separable(90, seed: 6);
        var rows = Enumerable.Range(0, labels.Length).ToArray();

        var (_, intercepts, result) = MultinomialLogisticRegression.Fit(features, labels, rows, 6, 3, c: 1, 1e-12, 2_000);

        Assert.That(result.Converged, Is.True);
        Assert.That(result.GradientMaxAbs, Is.LessThanOrEqualTo(1e-12));
        Assert.That(intercepts.Sum(), Is.EqualTo(0).Within(1e-12));
    }

    [Test]
    public void Predict_gives_probabilities_that_sum_to_one_and_allocates_nothing()
    {
        var (features, labels) = StackingData.Separable(30, seed: 7);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, new StackingOptions { CGrid = [1] });
        var probabilities = new double[3];
        model.Predict(features.AsSpan(0, 6), probabilities);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            model.Predict(features.AsSpan(i % 30 * 6, 6), probabilities);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(probabilities.Sum(), Is.EqualTo(1).Within(1e-15));
        Assert.Throws<ArgumentException>(() => model.Predict(new double[5], probabilities));
    }

    [Test]
    public void Fuse_decides_by_the_meta_models_probabilities_and_reports_like_voting()
    {
        var (features, labels) = StackingData.Separable(60, seed: 14);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, SingleC);
        var expected = new double[3];
        var fused = new double[3];

        // Sample 0 is class 0: "cnn" puts its top score there (agrees); "forest" is noise. Agreement = agreeing / 2.
        var sample = features.AsSpan(0, 6).ToArray();
        model.Predict(sample, expected);
        var decision = model.Fuse(sample, fused);

        Assert.That(fused, Is.EqualTo(expected));
        Assert.That(decision.ClassIndex, Is.EqualTo(Array.IndexOf(expected, expected.Max())).And.EqualTo(0));
        var forestTop = Array.IndexOf(sample[3..], sample[3..].Max());
        Assert.That(decision.Agreement, Is.EqualTo(forestTop == 0 ? 1.0 : 0.5));
        Assert.That(decision.VotingMembers, Is.EqualTo(2));

        // The meta-model needs every member: a NaN in member 1's row means no decision, and member 1 is reported.
        sample[4] = double.NaN;
        var missing = model.Fuse(sample, fused);
        Assert.That(missing.HasDecision, Is.False);
        Assert.That(missing.ExcludedMembers, Is.EqualTo(0b10UL));
        Assert.That(fused, Is.All.NaN);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            model.Fuse(features.AsSpan(i % 60 * 6, 6), fused);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Save_and_load_round_trip_exactly()
    {
        var (features, labels) = StackingData.Separable(60, seed: 8);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, Options);
        using var stream = new MemoryStream();

        model.Save(stream);
        stream.Position = 0;
        var loaded = StackingModel.Load(stream);

        Assert.That(loaded.C, Is.EqualTo(model.C));
        Assert.That(loaded.Coefficients, Is.EqualTo(model.Coefficients));
        Assert.That(loaded.Intercepts, Is.EqualTo(model.Intercepts));
        Assert.That(loaded.MemberIds, Is.EqualTo(model.MemberIds));
        Assert.That(loaded.ClassLabels, Is.EqualTo(model.ClassLabels));
        Assert.That(loaded.CGrid, Is.EqualTo(model.CGrid));
        Assert.That(loaded.CrossValidationLogLoss, Is.EqualTo(model.CrossValidationLogLoss));
        Assert.That(loaded.Folds, Is.EqualTo(model.Folds));
        var expected = new double[3];
        var actual = new double[3];
        for (var n = 0; n < labels.Length; n++)
        {
            model.Predict(features.AsSpan(n * 6, 6), expected);
            loaded.Predict(features.AsSpan(n * 6, 6), actual);
            Assert.That(actual, Is.EqualTo(expected));
        }

        var json = Encoding.UTF8.GetString(stream.ToArray());
        Assert.That(json, Does.Contain("\"format\": \"chorus.stacking\"").And.Contain("\"formatVersion\": 1"));
    }

    [Test]
    public void Ensure_matches_refuses_other_members_or_labels()
    {
        var (features, labels) = StackingData.Separable(30, seed: 9);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, SingleC);

        Assert.DoesNotThrow(() => model.EnsureMatches(["cnn", "forest"], ["cat", "dog", "bird"]));
        var members = Assert.Throws<FusionConfigurationException>(() => model.EnsureMatches(["forest", "cnn"], ["cat", "dog", "bird"]));
        Assert.That(members!.Message, Does.Contain("[cnn, forest]").And.Contain("[forest, cnn]"));
        var classes = Assert.Throws<FusionConfigurationException>(() => model.EnsureMatches(["cnn", "forest"], ["cat", "bird", "dog"]));
        Assert.That(classes!.Message, Does.Contain("labels"));
    }

    [TestCase("{\"format\": \"chorus.stacking\", \"formatVersion\": 1, ", "not valid JSON")]
    [TestCase("[1, 2, 3]", "not a JSON object")]
    [TestCase("{\"format\": \"onnx\", \"formatVersion\": 1}", "its format is 'onnx'")]
    [TestCase("{\"format\": \"chorus.stacking\", \"formatVersion\": 2}", "format version 2")]
    [TestCase("{\"format\": \"chorus.stacking\", \"formatVersion\": 1, \"memberIds\": [], \"classLabels\": []}", "'featureCount' is missing")]
    public void Corrupt_files_are_rejected_with_a_clear_message(string json, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));

        var error = Assert.Throws<FusionConfigurationException>(() => StackingModel.Load(stream, "models/meta.json"));

        Assert.That(error!.Message, Does.Contain("models/meta.json").And.Contain(expected));
    }

    [Test]
    public void A_damaged_coefficient_table_is_rejected()
    {
        var (features, labels) = StackingData.Separable(30, seed: 10);
        var model = StackingModel.Fit(features, labels, StackingData.ClassCount, SingleC);
        using var saved = new MemoryStream();
        model.Save(saved);
        var json = Encoding.UTF8.GetString(saved.ToArray());

        // Drop the last coefficient row, and separately change a number into a string.
        var lastRow = json.LastIndexOf("    [", StringComparison.Ordinal);
        var missingRow = json[..json.LastIndexOf(',', lastRow)] + "\n  ]\n}";
        var notANumber = json.Replace("\"c\": 1", "\"c\": \"one\"", StringComparison.Ordinal);

        var rows = Assert.Throws<FusionConfigurationException>(() => StackingModel.Load(new MemoryStream(Encoding.UTF8.GetBytes(missingRow))));
        Assert.That(rows!.Message, Does.Contain("2 coefficient rows for 3 classes"));
        var c = Assert.Throws<FusionConfigurationException>(() => StackingModel.Load(new MemoryStream(Encoding.UTF8.GetBytes(notANumber))));
        Assert.That(c!.Message, Does.Contain("'c' is String"));
    }

    [Test]
    public void Inconsistent_training_input_is_rejected()
    {
        var (features, labels) = StackingData.Separable(30, seed: 11);

        Assert.Throws<ArgumentException>(() => StackingModel.Fit(features[..^1], labels, 3));
        Assert.Throws<ArgumentException>(() => StackingModel.Fit(features, labels, 3, new StackingOptions { MemberIds = ["only-one"] }));
        Assert.Throws<ArgumentException>(() => StackingModel.Fit(features, labels, 3, new StackingOptions { CGrid = [0] }));
        Assert.Throws<ArgumentException>(() => StackingModel.Fit(features, [.. labels[..^1], 3], 3));
        features[4] = double.NaN;
        Assert.Throws<ArgumentException>(() => StackingModel.Fit(features, labels, 3));
    }

    private static double Accuracy(StackingModel model, double[] features, int[] labels)
    {
        var probabilities = new double[model.ClassCount];
        var predicted = new int[labels.Length];
        for (var n = 0; n < labels.Length; n++)
        {
            model.Predict(features.AsSpan(n * model.FeatureCount, model.FeatureCount), probabilities);
            predicted[n] = Array.IndexOf(probabilities, probabilities.Max());
        }

        return ClassificationMetrics.Accuracy(labels, predicted);
    }
}
