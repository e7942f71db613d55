using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

[TestFixture]
[Category("Integration")]
public sealed class InfoCommandTests
{
    [Test]
    public void Info_describes_the_runtime_and_a_model_with_its_provider_choice()
    {
        var output = new StringWriter();
        var model = Path.Combine(TestContext.CurrentContext.TestDirectory, "models", "mlp_64_32_10.onnx");

        var exitCode = InfoCommand.Run(model, ["dml", "cpu"], strict: false, output);

        var text = output.ToString();
        Assert.That(exitCode, Is.Zero);
        Assert.That(text, Does.Contain("ONNX Runtime  1.30.0"));
        Assert.That(text, Does.Contain("CPUExecutionProvider"));
        Assert.That(text, Does.Contain("  x: float32[batch,64]"));
        Assert.That(text, Does.Contain("  logits: float32[batch,10]"));
        Assert.That(text, Does.Contain("Producer      chorus-tests"));
        Assert.That(text, Does.Contain("Metadata      purpose = benchmark"));
        Assert.That(text, Does.Contain("Provider      CPU"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(text, Does.Contain("DirectML:0: skipped (DirectML runs on Windows only"));
        }
    }

    [Test]
    public void Info_on_a_missing_model_fails_with_a_message()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var exitCode = InfoCommand.Run("/nonexistent/model.onnx", [], strict: false, TextWriter.Null);

            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("chorus info: model 'model.onnx': the file '/nonexistent/model.onnx' does not exist"));
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Test]
    public void Info_with_an_unknown_provider_names_it()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var model = Path.Combine(TestContext.CurrentContext.TestDirectory, "models", "mlp_64_32_10.onnx");
            var exitCode = InfoCommand.Run(model, ["tpu"], strict: false, TextWriter.Null);

            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("Unknown execution provider 'tpu'"));
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
