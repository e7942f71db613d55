using Chorus.Cli.Commands;
using Chorus.Cli.Conformance;

namespace Chorus.Cli.Tests;

/// <summary>
/// The binding against the ONNX backend test data: the committed fast subset (tests/data/onnx-backend) must pass with the
/// committed expectations; the runner must notice a wrong output.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ConformanceTests
{
    private static string Subset => Path.Combine(TestContext.CurrentContext.TestDirectory, "onnx-backend");

    private static string Expectations => Path.Combine(TestContext.CurrentContext.TestDirectory, ConformanceCommand.DefaultExpectationsFile);

    [Test]
    public void Fast_subset_passes_with_every_skip_reasoned()
    {
        var output = new StringWriter();

        var exitCode = ConformanceCommand.Run(Subset, Expectations, [], null, verbose: true, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)), Is.Empty);
        Assert.That(exitCode, Is.Zero);
        Assert.That(lines[^1], Is.EqualTo("conformance: 35 passed, 0 failed, 5 skipped"));
        Assert.That(lines, Does.Contain("node: 28 passed, 0 failed, 2 skipped"));
        Assert.That(lines.Where(l => l.StartsWith("skip ", StringComparison.Ordinal)),
            Has.Exactly(5).Items.And.All.Matches<string>(l => l.Split(':', 2)[1].Trim().Length > 20));
    }

    [Test]
    public void A_wrong_expected_output_fails_the_case()
    {
        // test_abs's model and input with test_neg's output: same shape, different values.
        var work = Path.Combine(Path.GetTempPath(), $"conformance-{Guid.NewGuid():N}", "node", "test_abs_wrong");
        Directory.CreateDirectory(Path.Combine(work, "test_data_set_0"));
        try
        {
            var abs = Path.Combine(Subset, "node", "test_abs");
            File.Copy(Path.Combine(abs, "model.onnx"), Path.Combine(work, "model.onnx"));
            File.Copy(Path.Combine(abs, "test_data_set_0", "input_0.pb"), Path.Combine(work, "test_data_set_0", "input_0.pb"));
            File.Copy(Path.Combine(Subset, "node", "test_neg", "test_data_set_0", "output_0.pb"), Path.Combine(work, "test_data_set_0", "output_0.pb"));

            var result = new ConformanceRunner(ConformanceExpectations.Empty).RunCase("node", work);

            Assert.That(result.Outcome, Is.EqualTo(ConformanceOutcome.Failed));
            Assert.That(result.Detail, Does.StartWith("test_data_set_0: output 'y':").And.Contain("beyond rtol=0.001 atol=1E-07"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(work)!)!, recursive: true);
        }
    }

    [Test]
    public void Skipped_case_without_its_expectation_fails()
    {
        // Without the expectations file, the training operator case is a failure, not silently passed.
        var result = new ConformanceRunner(ConformanceExpectations.Empty).RunCase("node", Path.Combine(Subset, "node", "test_adam"));

        Assert.That(result.Outcome, Is.EqualTo(ConformanceOutcome.Failed));
        Assert.That(result.Detail, Does.Contain("ai.onnx.preview.training"));
    }

    [Test]
    public void Full_suite_when_installed()
    {
        const string installed = "/usr/share/libonnx-testdata/data";
        if (!Directory.Exists(installed))
        {
            Assert.Ignore($"{installed} is absent (apt-get install libonnx-testdata); .ci/run installs it and runs the full suite.");
        }

        var output = new StringWriter();
        var exitCode = ConformanceCommand.Run(installed, Expectations, ["node", "pytorch-converted", "pytorch-operator", "simple"], null, verbose: false, output);

        var last = output.ToString().TrimEnd().Split('\n')[^1];
        Assert.That(exitCode, Is.Zero, output.ToString());
        Assert.That(last, Does.Match(@"^conformance: (9\d\d|1\d\d\d) passed, 0 failed, \d+ skipped$"));
    }

    [Test]
    public void Expectations_file_lines_are_parsed_and_bad_lines_named()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path,
            [
                "# comment",
                "skip node/test_x   because of x",
                "skip test_prefix_*  every prefixed case",
                "tolerance node/test_y rtol=1e-2 atol=5e-4  rounding",
            ]);
            var expectations = ConformanceExpectations.Load(path);
            Assert.That(expectations.SkipReason("node", "test_x"), Is.EqualTo("because of x"));
            Assert.That(expectations.SkipReason("simple", "test_x"), Is.Null);
            Assert.That(expectations.SkipReason("simple", "test_prefix_abc"), Is.EqualTo("every prefixed case"));
            Assert.That(expectations.Tolerance("node", "test_y"), Is.EqualTo((0.01, 0.0005)));

            File.WriteAllLines(path, ["skip node/test_x"]);
            Assert.That(() => ConformanceExpectations.Load(path), Throws.TypeOf<FormatException>().With.Message.Contains(":1:"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
