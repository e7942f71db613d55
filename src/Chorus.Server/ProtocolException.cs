namespace Chorus.Server;

/// <summary>A request the protocol rejects; the server answers <see cref="StatusCode"/> with <c>{"error": message}</c>.</summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public ProtocolException(int statusCode, string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public ProtocolException()
    {
    }

    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; } = 400;

    public static ProtocolException BadRequest(string message) => new(400, message);

    public static ProtocolException NotFound(string message) => new(404, message);
}
