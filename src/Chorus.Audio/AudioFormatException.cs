namespace Chorus.Audio;

/// <summary>
/// Raised when audio cannot be read: the file is empty, truncated or malformed, or holds a format Chorus does not decode.
/// The message names the file (when known), the problem and the command that converts the file into one Chorus reads.
/// </summary>
public sealed class AudioFormatException : ChorusException
{
    /// <summary>Creates an exception with no message (prefer the constructors that take one).</summary>
    public AudioFormatException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public AudioFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the error that caused it.</summary>
    public AudioFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal AudioFormatException(string message, string? sourceName)
        : base(message)
    {
        SourceName = sourceName;
    }

    /// <summary>The file path or stream name the error is about, when one was known.</summary>
    public string? SourceName { get; }
}
