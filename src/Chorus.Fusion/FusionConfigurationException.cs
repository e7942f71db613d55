namespace Chorus.Fusion;

/// <summary>
/// A fusion setup that cannot work: weights of the wrong count, negative, non-finite or all zero; a member label the
/// ensemble does not know; duplicate labels; a stacking model file that is corrupt or was trained for other members or
/// labels. Raised when an ensemble is built or loaded, never per request.
/// </summary>
public sealed class FusionConfigurationException : ChorusException
{
    /// <summary>Creates an exception with a message.</summary>
    public FusionConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public FusionConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about one ensemble member (its model or plugin name).</summary>
    public FusionConfigurationException(string message, string? modelName, Exception? innerException = null)
        : base(message, modelName, innerException)
    {
    }

    /// <summary>Creates an exception with no message (prefer the constructors that take one).</summary>
    public FusionConfigurationException()
    {
    }
}
