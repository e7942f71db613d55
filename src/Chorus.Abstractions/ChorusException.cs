namespace Chorus;

/// <summary>
/// Base of every error Chorus raises on purpose. The message names the plugin or model, the input, the problem and the fix;
/// <see cref="ModelName"/> carries the model for code that handles the error.
/// </summary>
public class ChorusException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public ChorusException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public ChorusException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about one model.</summary>
    public ChorusException(string message, string? modelName, Exception? innerException = null)
        : base(message, innerException)
    {
        ModelName = modelName;
    }

    /// <summary>Creates an exception with no message (prefer the constructors that take one).</summary>
    public ChorusException()
    {
    }

    /// <summary>The model (or plugin) the error is about, when there is one.</summary>
    public string? ModelName { get; }
}
