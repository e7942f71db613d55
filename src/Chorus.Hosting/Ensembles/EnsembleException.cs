namespace Chorus.Hosting.Ensembles;

/// <summary>An ensemble request that could not produce a result: too few members answered, or the policy says fail.</summary>
public sealed class EnsembleException : ChorusException
{
    /// <summary>Creates the exception for an ensemble.</summary>
    public EnsembleException(string ensembleId, string message, Exception? innerException = null)
        : base(message, ensembleId, innerException)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public EnsembleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public EnsembleException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public EnsembleException()
    {
    }
}
