using Chorus.Hosting.Scheduling;

namespace Chorus.Hosting.Tests;

[TestFixture]
public sealed class DynamicBatchingOptionsTests
{
    [TestCase("32", 32, 0.0)]
    [TestCase("32,2ms", 32, 2.0)]
    [TestCase("16,500us", 16, 0.5)]
    [TestCase("8,1.5s", 8, 1500.0)]
    [TestCase("4,0", 4, 0.0)]
    public void Parse_reads_max_batch_and_delay(string text, int maxBatch, double delayMs)
    {
        var options = DynamicBatchingOptions.Parse(text);

        Assert.That(options.MaxBatchSize, Is.EqualTo(maxBatch));
        Assert.That(options.MaxQueueDelay.TotalMilliseconds, Is.EqualTo(delayMs).Within(1e-9));
    }

    [TestCase("", "MAXBATCH")]
    [TestCase("0", "at least 1")]
    [TestCase("-3", "at least 1")]
    [TestCase("32,2", "unit us, ms or s")]
    [TestCase("32,2 min", "unit us, ms or s")]
    [TestCase("32,2ms,1", "MAXBATCH[,DELAY]")]
    public void Parse_names_the_problem(string text, string expected)
    {
        Assert.That(() => DynamicBatchingOptions.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contain(expected));
    }

    [Test]
    public void Validate_refuses_out_of_range_values_naming_the_model()
    {
        Assert.That(() => new DynamicBatchingOptions { MaxBatchSize = 0 }.Validate("m1"), Throws.InstanceOf<ChorusException>().With.Message.Contain("'m1'"));
        Assert.That(() => new DynamicBatchingOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(-1) }.Validate("m1"),
            Throws.InstanceOf<ChorusException>().With.Message.Contain("max queue delay"));
    }
}
