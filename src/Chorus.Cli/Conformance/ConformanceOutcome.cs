namespace Chorus.Cli.Conformance;

/// <summary>How one conformance case ended.</summary>
internal enum ConformanceOutcome
{
    Passed,
    Failed,
    Skipped,
}
