using Microsoft.Extensions.Logging;

namespace Chorus.OnnxRuntime.Tests;

/// <summary>
/// Creates the process-wide ONNX Runtime environment once for this test assembly, with logging captured and two intra-op
/// threads, before any test makes a session.
/// </summary>
[SetUpFixture]
public sealed class EnvironmentSetup
{
    internal static CapturingLoggerFactory Logs { get; } = new();

    internal static OrtEnvironmentOptions Options { get; } = new() { IntraOpThreads = 2, LogLevel = LogLevel.Information };

    [OneTimeSetUp]
    public void CreateEnvironment()
    {
        OrtEnvironment.Initialize(Options, Logs);
    }
}
