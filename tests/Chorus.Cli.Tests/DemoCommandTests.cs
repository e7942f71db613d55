using System.Globalization;
using System.Text.Json;
using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

/// <summary>The README's first command, <c>chorus demo</c>: the digits part and the speech part.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DemoCommandTests
{
    private static string s_output = "";
    private static int s_exitCode;

    [OneTimeSetUp]
    public async Task RunTheDemoOnce()
    {
        var output = new StringWriter();
        s_exitCode = await DemoCommand.RunAsync(Repository.DigitsEnsemble, Path.Combine(Repository.Root, "tests", "data", "digits"), output, CancellationToken.None,
            Path.Combine(Repository.Plugins, "vad.speech.json"), Path.Combine(Repository.Root, "tests", "data", "speech", "index.csv"));
        s_output = output.ToString();
    }

    [Test]
    public void The_demo_succeeds()
    {
        Assert.That(s_exitCode, Is.Zero, s_output);
    }

    [TestCase("digits-logreg")]
    [TestCase("digits-mlp")]
    [TestCase("digits-cnn")]
    public void Member_accuracy_on_the_test_split_is_the_training_scripts_own(string member)
    {
        // Independent source: plugins/train_digits.py computed these with scikit-learn from the torch models.
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Plugins, "digits-reference-metrics.json")));
        var expected = reference.RootElement.GetProperty("members").GetProperty(member).GetProperty("test").GetProperty("accuracy").GetDouble();

        var row = s_output.Split('\n').Single(l => l.StartsWith($"| {member} ", StringComparison.Ordinal));
        var accuracy = double.Parse(row.Split('|', StringSplitOptions.TrimEntries)[3], CultureInfo.InvariantCulture);

        Assert.That(accuracy, Is.EqualTo(expected).Within(0.00005));
    }

    [Test]
    public void The_speech_part_lists_every_condition_with_each_member_and_the_fused_result()
    {
        Assert.That(s_output, Does.Contain("| condition | files | silero-vad-v5 | silero-vad-v4 | energy-vad | fused |"));
        foreach (var condition in new[] { "clean", "white-20", "white-10", "white-0", "pink-20", "pink-10", "pink-0", "babble-20", "babble-10", "babble-0" })
        {
            var row = s_output.Split('\n').SingleOrDefault(l => l.StartsWith($"| {condition} |", StringComparison.Ordinal));
            Assert.That(row, Is.Not.Null, condition);
            var cells = row!.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.That(cells[1], Is.EqualTo("4"), condition);
            Assert.That(cells.Skip(2).Select(c => double.Parse(c, CultureInfo.InvariantCulture)), Has.All.InRange(0.0, 1.0), condition);
        }

        Assert.That(s_output, Does.Contain("| **mean over conditions** | 40 |"));
    }
}
