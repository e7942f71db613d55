namespace Chorus.Hosting.Ensembles;

/// <summary>An ensemble file that cannot be used; <see cref="Problems"/> lists every problem found.</summary>
public sealed class EnsembleLoadException : ChorusException
{
    /// <summary>Creates the exception for an ensemble file and its problems.</summary>
    public EnsembleLoadException(string path, IReadOnlyList<string> problems, Exception? innerException = null)
        : base($"ensemble file '{path}': {string.Join("; ", problems)}", innerException)
    {
        Path = path;
        Problems = problems;
    }

    /// <summary>Creates the exception with a message.</summary>
    public EnsembleLoadException(string message)
        : this("(unknown)", [message])
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public EnsembleLoadException(string message, Exception? innerException)
        : this("(unknown)", [message], innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public EnsembleLoadException()
        : this("(unknown)", ["the ensemble file is not valid"])
    {
    }

    /// <summary>The ensemble file.</summary>
    public string Path { get; }

    /// <summary>Each problem, as a sentence that says what to fix.</summary>
    public IReadOnlyList<string> Problems { get; }
}
