using System.CommandLine;
using Chorus.Cli.Conformance;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus conformance DIR</c>: runs ONNX backend test cases through the binding and counts the results.</summary>
internal static class ConformanceCommand
{
    /// <summary>The expectations file shipped beside the CLI (copied from Conformance/expectations.txt).</summary>
    public const string DefaultExpectationsFile = "conformance-expectations.txt";

    public static Command Create()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "ONNX backend test data: the data folder (e.g. /usr/share/libonnx-testdata/data), one suite folder, or one case folder.",
        };
        var expectations = new Option<string?>("--expectations")
        {
            Description = $"File of skipped cases and tolerance exceptions, each with its reason (default: {DefaultExpectationsFile} beside the CLI).",
        };
        var suites = new Option<string[]>("--suite")
        {
            Description = "Only these suites (e.g. --suite node simple).",
            AllowMultipleArgumentsPerToken = true,
        };
        var filter = new Option<string?>("--filter") { Description = "Only cases whose name contains this text." };
        var verbose = new Option<bool>("--verbose") { Description = "Also list skipped cases with their reasons." };
        var command = new Command("conformance", "Run ONNX backend conformance cases through Chorus's ONNX Runtime binding.")
        {
            directory, expectations, suites, filter, verbose,
        };
        command.SetAction(result => Run(
            result.GetValue(directory)!,
            result.GetValue(expectations),
            result.GetValue(suites) ?? [],
            result.GetValue(filter),
            result.GetValue(verbose),
            Console.Out));
        return command;
    }

    internal static int Run(string directory, string? expectationsPath, string[] suites, string? filter, bool verbose, TextWriter output)
    {
        ConformanceExpectations expectations;
        IReadOnlyList<(string Suite, string CaseDirectory)> cases;
        try
        {
            expectationsPath ??= Path.Combine(AppContext.BaseDirectory, DefaultExpectationsFile);
            expectations = File.Exists(expectationsPath) ? ConformanceExpectations.Load(expectationsPath) : ConformanceExpectations.Empty;
            cases = ConformanceRunner.Discover(directory);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"chorus conformance: {ex.Message}");
            return 2;
        }

        var selected = cases
            .Where(c => suites.Length == 0 || suites.Contains(c.Suite, StringComparer.Ordinal))
            .Where(c => filter is null || Path.GetFileName(c.CaseDirectory).Contains(filter, StringComparison.Ordinal))
            .ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"chorus conformance: no test cases (folders with model.onnx) under '{directory}'.");
            return 2;
        }

        var runner = new ConformanceRunner(expectations);
        var results = new List<ConformanceCaseResult>(selected.Count);
        foreach (var (suite, caseDirectory) in selected)
        {
            var result = runner.RunCase(suite, caseDirectory);
            results.Add(result);
            if (result.Outcome == ConformanceOutcome.Failed)
            {
                output.WriteLine($"FAIL {result.Id}: {result.Detail}");
            }
            else if (verbose && result.Outcome == ConformanceOutcome.Skipped)
            {
                output.WriteLine($"skip {result.Id}: {result.Detail}");
            }
        }

        foreach (var group in results.GroupBy(r => r.Suite))
        {
            output.WriteLine($"{group.Key}: {Count(group, ConformanceOutcome.Passed)} passed, {Count(group, ConformanceOutcome.Failed)} failed, {Count(group, ConformanceOutcome.Skipped)} skipped");
        }

        var failed = Count(results, ConformanceOutcome.Failed);
        output.WriteLine($"conformance: {Count(results, ConformanceOutcome.Passed)} passed, {failed} failed, {Count(results, ConformanceOutcome.Skipped)} skipped");
        return failed == 0 ? 0 : 1;
    }

    private static int Count(IEnumerable<ConformanceCaseResult> results, ConformanceOutcome outcome) => results.Count(r => r.Outcome == outcome);
}
