using System.Text.Json;
using Chorus.Fusion;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>
/// The shipped digits plugins and ensemble against plugins/digits-reference-metrics.json, which the training script
/// computed in Python (torch softmax outputs, scikit-learn metrics): an independent check of loading, preprocessing,
/// label alignment and soft voting.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DigitsEnsembleTests
{
    private const int BatchSize = 64;
    private const double LogLossTolerance = 1e-4;
    private static readonly string[] s_members = ["digits-logreg", "digits-mlp", "digits-cnn"];

    private ChorusHost _host = null!;
    private JsonDocument _reference = null!;

    [OneTimeSetUp]
    public void CreateHost()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(RepositoryPaths.Plugins);
        _host = ChorusHost.Create(options);
        _reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Plugins, "digits-reference-metrics.json")));
    }

    [OneTimeTearDown]
    public void DisposeHost()
    {
        _host.Dispose();
        _reference.Dispose();
    }

    [Test]
    public void The_three_plugins_and_the_ensemble_load()
    {
        // Only the digits members are asserted: plugins/ may hold other plugins (say, a native one not built here).
        Assert.That(s_members.Select(id => _host.Catalog.Find(id)?.Error), Has.All.Null);
        Assert.That(s_members.Select(id => _host.Catalog.Find(id)?.Status), Has.All.EqualTo(PluginStatus.Loaded));
        Assert.That(_host.EnsembleProblems.Where(p => p.StartsWith("ensemble 'digits' ", StringComparison.Ordinal)), Is.Empty);

        var ensemble = _host.GetEnsemble("digits");

        Assert.That(ensemble.Members.Select(m => m.PluginId), Is.EqualTo(s_members));
        Assert.That(ensemble.Labels, Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" }));
        Assert.That(ensemble.Strategy, Is.EqualTo(FusionStrategyKind.Soft));
        Assert.That(ensemble.SampleSize, Is.EqualTo(DigitsData.SampleSize));
    }

    [TestCase("validation")]
    [TestCase("test")]
    public async Task Members_and_the_soft_vote_match_the_python_reference(string split)
    {
        var data = DigitsData.Read(split);
        Assert.That(data.Count, Is.EqualTo(_reference.RootElement.GetProperty("splits").GetProperty(split).GetInt32()), "the split's size");
        var ensemble = _host.GetEnsemble("digits");
        var classes = ensemble.Labels.Count;
        var memberScores = s_members.Select(_ => new double[data.Count * classes]).ToArray();
        var fused = new double[data.Count * classes];
        var decisions = new int[data.Count];

        for (var start = 0; start < data.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, data.Count - start);
            var predictions = await ensemble.PredictAsync(data.Rows(start, count), count);
            Assert.That(predictions, Has.Count.EqualTo(count));
            for (var i = 0; i < count; i++)
            {
                var prediction = predictions[i];
                Assert.That(prediction.IsDegraded, Is.False, () => $"sample {start + i}: {prediction}");
                Assert.That(prediction.Members.Select(m => m.MemberId), Is.EqualTo(s_members));
                for (var m = 0; m < s_members.Length; m++)
                {
                    prediction.Members[m].Scores!.ToArray().CopyTo(memberScores[m], (start + i) * classes);
                }

                prediction.Scores.ToArray().CopyTo(fused, (start + i) * classes);
                decisions[start + i] = prediction.ClassIndex;
                Assert.That(prediction.ClassIndex, Is.EqualTo(FirstArgMax(prediction.Scores.ToArray())), "the decision is the first maximum of the fused scores");
            }
        }

        using (Assert.EnterMultipleScope())
        {
            for (var m = 0; m < s_members.Length; m++)
            {
                var expected = _reference.RootElement.GetProperty("members").GetProperty(s_members[m]).GetProperty(split);
                var accuracy = ClassificationMetrics.Accuracy(data.Labels, ArgMaxRows(memberScores[m], classes));
                var logLoss = ClassificationMetrics.LogLoss(data.Labels, memberScores[m], classes);
                TestContext.Out.WriteLine($"{s_members[m]} on {split}: accuracy {accuracy:R} (reference {expected.GetProperty("accuracy").GetDouble():R}), " +
                    $"log loss {logLoss:F8} (reference {expected.GetProperty("log_loss").GetDouble():F8})");
                Assert.That(accuracy, Is.EqualTo(expected.GetProperty("accuracy").GetDouble()), $"{s_members[m]} accuracy on {split}");
                Assert.That(logLoss, Is.EqualTo(expected.GetProperty("log_loss").GetDouble()).Within(LogLossTolerance), $"{s_members[m]} log loss on {split}");
            }

            var soft = _reference.RootElement.GetProperty("soft_vote_unweighted").GetProperty(split);
            Assert.That(ClassificationMetrics.Accuracy(data.Labels, decisions), Is.EqualTo(soft.GetProperty("accuracy").GetDouble()), $"soft vote accuracy on {split}");
            Assert.That(ClassificationMetrics.LogLoss(data.Labels, fused, classes), Is.EqualTo(soft.GetProperty("log_loss").GetDouble()).Within(LogLossTolerance),
                $"soft vote log loss on {split}");
        }
    }

    [Test]
    public async Task The_reversed_label_mlp_is_aligned_by_label_name()
    {
        var data = DigitsData.Read("test");
        var ensemble = _host.GetEnsemble("digits");
        var mlp = _host.Catalog.FindModel("digits-mlp")!;
        Assert.That(mlp.Labels, Is.EqualTo(new[] { "9", "8", "7", "6", "5", "4", "3", "2", "1", "0" }));
        const int Count = 20;
        var raw = new float[Count * 10];
        mlp.Predict(data.Rows(0, Count), Count, raw);

        var predictions = await ensemble.PredictAsync(data.Rows(0, Count), Count);

        var mlpIndex = Array.IndexOf(s_members, "digits-mlp");
        for (var i = 0; i < Count; i++)
        {
            var rawRow = raw.AsSpan(i * 10, 10).ToArray();
            var aligned = predictions[i].Members[mlpIndex].Scores!.ToArray();

            // Ensemble column k holds the MLP's score for label k, which sits in the MLP's column 9 - k.
            Assert.That(aligned, Is.EqualTo(rawRow.Reverse().Select(v => (double)v)), $"sample {i}");
            Assert.That(ensemble.Labels[FirstArgMax(aligned)], Is.EqualTo(mlp.Labels[FirstArgMax(rawRow.Select(v => (double)v).ToArray())]), $"sample {i}");
        }

        var mlpDecisions = predictions.Select(p => FirstArgMax(p.Members[mlpIndex].Scores!.ToArray())).ToArray();
        Assert.That(ClassificationMetrics.Accuracy(data.Labels.AsSpan(0, Count), mlpDecisions), Is.GreaterThanOrEqualTo(0.9),
            "aligned MLP decisions are digits, not reversed digits");
    }

    [Test]
    public async Task A_single_sample_is_predicted_with_every_member_agreeing_on_an_easy_digit()
    {
        var data = DigitsData.Read("test");
        var ensemble = _host.GetEnsemble("digits");

        var prediction = await ensemble.PredictAsync(data.Rows(0, 1));

        Assert.That(prediction.Label, Is.EqualTo(data.Labels[0].ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(prediction.Scores.Sum(), Is.EqualTo(1.0).Within(1e-5));
        Assert.That(prediction.Strategy, Is.EqualTo(FusionStrategyKind.Soft));
        Assert.That(prediction.ExcludedMembers, Is.Empty);
        Assert.That(prediction.Members.Select(m => m.Error), Has.All.Null);
        Assert.That(prediction.Members.Select(m => m.Latency), Has.All.GreaterThan(TimeSpan.Zero));
    }

    [Test]
    public void A_batch_of_the_wrong_length_is_refused()
    {
        var ensemble = _host.GetEnsemble("digits");

        Assert.That(async () => await ensemble.PredictAsync(new float[65], 1),
            Throws.InstanceOf<EnsembleException>().With.Message.EqualTo("ensemble 'digits': 1 sample(s) of 64 values need 64 values, got 65."));
    }

    [Test]
    public void An_unknown_ensemble_is_reported_with_the_loaded_ones()
    {
        Assert.That(() => _host.GetEnsemble("letters"),
            Throws.InstanceOf<KeyNotFoundException>().With.Message.StartsWith("There is no ensemble 'letters'. Loaded: ").And.Message.Contains("digits"));
    }

    private static int[] ArgMaxRows(double[] scores, int classes) =>
        Enumerable.Range(0, scores.Length / classes).Select(i => FirstArgMax(scores.AsSpan(i * classes, classes).ToArray())).ToArray();

    /// <summary>numpy's argmax: the first index of the maximum (scikit-learn's accuracy uses it on probabilities).</summary>
    private static int FirstArgMax(double[] row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }
}
