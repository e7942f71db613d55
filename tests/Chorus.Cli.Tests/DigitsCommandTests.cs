using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

/// <summary>list, predict, eval and fit on the bundled digits ensemble, checked against the Python training script's numbers.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DigitsCommandTests
{
    [Test]
    public void List_shows_the_bundled_plugins_loaded()
    {
        var output = new StringWriter();

        var exitCode = ListCommand.Run(Repository.Plugins, output);

        var text = output.ToString();
        Assert.That(exitCode, Is.Zero, text);
        Assert.That(text, Does.Match(@"digits-cnn\s+ok\s+assembly"));
        Assert.That(text, Does.Match(@"digits-logreg\s+ok\s+onnx"));
        Assert.That(text, Does.Match(@"digits-mlp\s+ok\s+onnx"));
        Assert.That(text, Does.Match(@"digits-knn\s+ok\s+native"));
        Assert.That(text, Does.Match(@"silero-vad-v5\s+ok\s+assembly"));
        Assert.That(text, Does.Match(@"energy-vad\s+ok\s+assembly"));
        Assert.That(text, Does.Contain("speech ensemble vad: silero-vad-v5 ×2, silero-vad-v4, energy-vad (soft frame fusion"));
        Assert.That(text, Does.Contain("7 plugin(s) loaded, 0 failed, 2 ensemble(s), 1 speech ensemble(s)"));
    }

    [Test]
    public async Task Predict_a_csv_row_a_pgm_and_a_png_of_the_same_digit_gives_its_label()
    {
        var counts = DigitImageTests.FirstTestDigit(out var label);
        var row = string.Join(",", counts.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var pgm = DigitImageTests.WritePgm(DigitImageTests.Bitmap(counts), 32);
        var png = DigitImageTests.WritePng(DigitImageTests.Bitmap(counts, 2), 64);
        try
        {
            foreach (var input in new[] { row, pgm, png })
            {
                var output = new StringWriter();
                var exitCode = await PredictCommand.RunAsync(Repository.DigitsEnsemble, input, null, null, null, output, CancellationToken.None);
                Assert.That(exitCode, Is.Zero, output.ToString());
                Assert.That(output.ToString(), Does.StartWith($"decision   {label}   (soft"));
            }
        }
        finally
        {
            File.Delete(pgm);
            File.Delete(png);
        }
    }

    [Test]
    public async Task Eval_on_the_test_split_reproduces_the_training_scripts_member_accuracies_and_writes_predictions()
    {
        var predictions = Path.Combine(Path.GetTempPath(), $"predictions-{Guid.NewGuid():N}.csv");
        var output = new StringWriter();
        try
        {
            var exitCode = await EvalCommand.RunAsync(Repository.DigitsEnsemble, Repository.Digits("test"), null, predictions, 64, null, null, output, CancellationToken.None);

            var text = output.ToString();
            Assert.That(exitCode, Is.Zero, text);

            // plugins/digits-reference-metrics.json (computed in Python from the torch models): test accuracy 341/360, 346/360, 350/360.
            Assert.That(text, Does.Match(@"\| digits-logreg\s+\| member\s+\|\s+0\.9472 \|"));
            Assert.That(text, Does.Match(@"\| digits-mlp\s+\| member\s+\|\s+0\.9611 \|"));
            Assert.That(text, Does.Match(@"\| digits-cnn\s+\| member\s+\|\s+0\.9722 \|"));
            Assert.That(text, Does.Match(@"\| soft voting\s+\| fusion\s+\|\s+0\.9694 \|"));

            var lines = File.ReadAllLines(predictions);
            Assert.That(lines, Has.Length.EqualTo(361));
            Assert.That(lines[0], Does.StartWith("index,true_label,digits-logreg:0,digits-logreg:1,"));
            Assert.That(lines[0], Does.Contain(",soft voting:9"));
        }
        finally
        {
            File.Delete(predictions);
        }
    }

    [Test]
    public async Task Eval_with_folds_cross_validates_stacking_and_selection()
    {
        var output = new StringWriter();

        var exitCode = await EvalCommand.RunAsync(Repository.DigitsEnsemble, Repository.Digits("validation"), 5, null, 64, null, null, output, CancellationToken.None);

        Assert.That(exitCode, Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain("| stacking (5-fold CV)").And.Contain("| selection (5-fold CV)"));
    }

    [Test]
    public async Task Fit_writes_a_meta_model_and_weights_that_predict_can_use()
    {
        // Work on a copy of the plugin folder so the committed fit files stay as they are.
        var folder = Path.Combine(Path.GetTempPath(), $"digits-fit-{Guid.NewGuid():N}");
        CopyDirectory(Repository.Plugins, folder);
        File.Delete(Path.Combine(folder, "digits.stacking.json"));
        File.Delete(Path.Combine(folder, "digits.selection.json"));
        var ensemble = Path.Combine(folder, "digits.ensemble.json");
        try
        {
            var output = new StringWriter();
            Assert.That(await FitCommand.RunAsync(ensemble, Repository.Digits("validation"), null, output, CancellationToken.None), Is.Zero, output.ToString());
            Assert.That(output.ToString(), Does.Contain("stacking: C = ").And.Contain("selection: weights digits-logreg"));
            Assert.That(File.Exists(Path.Combine(folder, "digits.stacking.json")), Is.True);

            var row = File.ReadLines(Repository.Digits("test")).Skip(1).First();
            foreach (var strategy in new[] { "stacking", "selection", "hard" })
            {
                var prediction = new StringWriter();
                Assert.That(await PredictCommand.RunAsync(ensemble, row, strategy, null, null, prediction, CancellationToken.None), Is.Zero, prediction.ToString());
                Assert.That(prediction.ToString(), Does.Contain($"({strategy},"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task Predict_with_a_bad_row_or_an_unfitted_strategy_says_what_is_wrong()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.That(await PredictCommand.RunAsync(Repository.DigitsEnsemble, "1,2,3", null, null, null, TextWriter.Null, CancellationToken.None), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("the CSV row has 3 values; the ensemble takes 64"));
            Assert.That(await PredictCommand.RunAsync(Repository.DigitsEnsemble, string.Join(",", new string('0', 64).Select(c => c)), "telepathy", null, null, TextWriter.Null, CancellationToken.None), Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("strategy 'telepathy' is not available"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Where(d => !d.Contains($"{Path.DirectorySeparatorChar}src", StringComparison.Ordinal)))
        {
            Directory.CreateDirectory(directory.Replace(source, destination, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}src{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            File.Copy(file, file.Replace(source, destination, StringComparison.Ordinal));
        }
    }
}
