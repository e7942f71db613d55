namespace Chorus.Benchmarks;

/// <summary>A failure the benchmark reports as one line of text (no stack trace) and ends with <see cref="ExitCode"/>.</summary>
internal sealed class BenchmarkException : Exception
{
    public BenchmarkException(string message, int exitCode = 1)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public BenchmarkException()
        : this("The benchmark failed.")
    {
    }

    public BenchmarkException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = 1;
    }

    /// <summary>1: a run failed or a file is missing; 2: bad arguments or a missing tool.</summary>
    public int ExitCode { get; }
}
