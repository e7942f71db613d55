using System.Diagnostics;

namespace Chorus.OnnxRuntime.Tests;

[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class CancellationTests
{
    [Test]
    public void Canceling_stops_a_long_run_and_the_session_keeps_working()
    {
        using var session = InferenceSession.Create(TestModels.SlowChain);
        var identity = new float[256 * 256];
        for (var i = 0; i < 256; i++)
        {
            identity[(i * 256) + i] = 1;
        }

        using var input = OrtValue.CreateTensor(identity, [256, 256]);

        // Uncanceled: the 4000-MatMul chain takes on the order of a second.
        var full = Stopwatch.StartNew();
        using (session.Run([input])[0])
        {
        }

        full.Stop();

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var canceled = Stopwatch.StartNew();
        Assert.That(() => session.Run([input], cts.Token),
            Throws.InstanceOf<OperationCanceledException>().With.Message.Contains("slow_chain.onnx"));
        canceled.Stop();

        // The flag is checked between nodes, so the canceled run ends well before a full one would.
        Assert.That(canceled.Elapsed, Is.LessThan(full.Elapsed), $"full run {full.Elapsed}, canceled run {canceled.Elapsed}");

        Assert.That(() => session.Run([input], new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());

        using var again = session.Run([input], CancellationToken.None)[0];
        Assert.That(again.Shape.ToArray(), Is.EqualTo(new long[] { 256, 256 }));
    }
}
