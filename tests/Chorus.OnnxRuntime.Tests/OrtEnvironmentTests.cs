using Microsoft.Extensions.Logging;

namespace Chorus.OnnxRuntime.Tests;

[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class OrtEnvironmentTests
{
    [Test]
    public void Environment_reports_the_official_runtime_and_the_cpu_provider()
    {
        var env = OrtEnvironment.Instance;

        Assert.That(env.Version, Is.EqualTo("1.30.0"));
        Assert.That(env.AvailableProviders, Does.Contain("CPUExecutionProvider"));
        Assert.That(env.BuildInfo, Does.Contain("git-commit-id"));
        Assert.That(env.LibraryPath, Does.Contain("runtimes").And.Contain("native"));
    }

    [Test]
    public void Initialize_again_with_the_same_options_returns_the_same_environment()
    {
        Assert.That(OrtEnvironment.Initialize(EnvironmentSetup.Options), Is.SameAs(OrtEnvironment.Instance));
        Assert.That(OrtEnvironment.Initialize(), Is.SameAs(OrtEnvironment.Instance));
    }

    [Test]
    public void Initialize_again_with_other_options_is_refused_with_the_reason()
    {
        var other = EnvironmentSetup.Options with { IntraOpThreads = 7 };

        Assert.That(() => OrtEnvironment.Initialize(other),
            Throws.InvalidOperationException.With.Message.Contains("already created").And.Message.Contains("once, at startup"));
    }

    [Test]
    public void Onnx_runtime_log_messages_reach_the_logger_factory()
    {
        using (InferenceSession.Create(TestModels.Mlp))
        {
        }

        var entries = EnvironmentSetup.Logs.Entries.ToArray();
        Assert.That(entries, Is.Not.Empty, "ONNX Runtime logs at information level while it creates a session");
        Assert.That(entries.Select(e => e.Category), Has.All.EqualTo("Chorus.OnnxRuntime"));
        Assert.That(entries.Select(e => e.Level), Has.All.GreaterThanOrEqualTo(LogLevel.Information));
    }
}
