namespace Chorus.Hosting.Remote;

/// <summary>
/// A remote ensemble member could not answer: its server was unreachable, answered an error (the v2 <c>{"error": ...}</c>
/// text is in the message), or serves a model whose metadata does not fit the member. The message names the member, the
/// URL, and the HTTP status or connection error; it never holds the API key.
/// </summary>
public sealed class RemoteModelException : ChorusException
{
    /// <summary>Creates the exception for a member.</summary>
    public RemoteModelException(string memberId, string message, int? statusCode = null, Exception? innerException = null)
        : base(message, memberId, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception with a message.</summary>
    public RemoteModelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RemoteModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public RemoteModelException()
    {
    }

    /// <summary>The HTTP status the server answered with; null when there was no answer (connection error) or the answer was 2xx but unusable.</summary>
    public int? StatusCode { get; }

    /// <summary>The server answered, but its model does not fit the member (input, output or width).</summary>
    internal bool IsMismatch { get; init; }
}
