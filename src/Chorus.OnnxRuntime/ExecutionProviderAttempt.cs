namespace Chorus.OnnxRuntime;

/// <summary>What happened to one entry of a session's execution provider preference list.</summary>
/// <param name="Provider">The provider as requested, e.g. <c>DirectML</c>.</param>
/// <param name="Registered">Whether it was registered with the session.</param>
/// <param name="Reason">Why it was skipped, when it was; null when registered.</param>
public sealed record ExecutionProviderAttempt(string Provider, bool Registered, string? Reason)
{
    /// <inheritdoc />
    public override string ToString() => Registered ? $"{Provider}: registered" : $"{Provider}: skipped ({Reason})";
}
