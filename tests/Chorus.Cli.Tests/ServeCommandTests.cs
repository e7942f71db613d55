using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

[TestFixture]
public sealed class ServeCommandTests
{
    [Test]
    public void Batching_values_name_a_model_and_its_max_batch_and_delay()
    {
        var parsed = ServeCommand.ParseBatching(["digits-mlp=32,2ms", "digits-logreg=16"]).ToList();

        Assert.That(parsed.Select(p => (p.Id, p.Options.MaxBatchSize, p.Options.MaxQueueDelay)),
            Is.EqualTo(new[] { ("digits-mlp", 32, TimeSpan.FromMilliseconds(2)), ("digits-logreg", 16, TimeSpan.Zero) }));
    }

    [TestCase("digits-mlp", "ID=MAXBATCH")]
    [TestCase("=32", "ID=MAXBATCH")]
    [TestCase("digits-mlp=0", "at least 1")]
    [TestCase("digits-mlp=32,2", "unit us, ms or s")]
    public void A_bad_batching_value_says_what_is_wrong(string value, string expected)
    {
        Assert.That(() => ServeCommand.ParseBatching([value]).ToList(), Throws.InstanceOf<FormatException>().With.Message.Contain(expected));
    }

    [Test]
    public void The_same_model_twice_is_refused()
    {
        Assert.That(() => ServeCommand.ParseBatching(["a=1", "a=2"]).ToList(), Throws.InstanceOf<FormatException>().With.Message.Contain("'a' is given twice"));
    }

    [Test]
    [Category("Integration")]
    public async Task Serve_stops_with_exit_code_2_when_batching_names_an_ensemble()
    {
        var output = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(Repository.Plugins, "http://127.0.0.1:0", null, null, output, CancellationToken.None, ["digits=8"]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("'digits' is an ensemble"));
    }
}
