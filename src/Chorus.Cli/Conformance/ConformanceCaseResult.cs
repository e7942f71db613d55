namespace Chorus.Cli.Conformance;

/// <summary>The result of one conformance case: its suite, name, outcome and, unless it passed, why.</summary>
internal sealed record ConformanceCaseResult(string Suite, string Case, ConformanceOutcome Outcome, string? Detail)
{
    public string Id => $"{Suite}/{Case}";
}
