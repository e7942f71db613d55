using Chorus.Fusion.Frames;
using Chorus.Hosting.Speech;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>A speech ensemble member that throws mid-stream: hand-worked fused frames before and after, and all members failing.</summary>
[TestFixture]
public sealed class SpeechMemberFailureTests
{
    [Test]
    public void A_member_that_throws_is_left_out_from_then_on_and_named()
    {
        // steady: 10 ms frames at 0.9; flaky: 20 ms frames at 0.1, throws on its fifth frame (index 4). Grid 20 ms, soft, equal
        // weights. Grid frames 0–3 hold both: (0.9 + 0.1) / 2 = 0.5; from frame 4 only steady: 0.9.
        using var provider = Provider(new ScriptedStreamingModel("steady", 160, 0.9f), new ScriptedStreamingModel("flaky", 320, 0.1f, failAtFrame: 4));
        var host = provider.GetRequiredService<ChorusHost>();
        using var folder = new TempFolder();
        var ensemble = host.LoadSpeechEnsemble(folder.Write("pair.speech.json", """{ "id": "pair", "members": ["steady", "flaky"], "fusion": { "gridHopSeconds": 0.02 } }"""));
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(2);

        stream.Push(new float[16000], output);
        stream.Complete(output);

        Assert.That(output.Frames.Select(f => f.Probability), Is.EqualTo(Enumerable.Repeat(0.5f, 4).Concat(Enumerable.Repeat(0.9f, 46))).Within(1e-6f));
        Assert.That(output.Frames.Select(f => f.MembersPresent), Is.EqualTo(Enumerable.Repeat(2, 4).Concat(Enumerable.Repeat(1, 46))));
        Assert.That(stream.FailedMembers.Keys, Is.EquivalentTo(new[] { "flaky" }));
        Assert.That(stream.FailedMembers["flaky"], Does.Contain("device lost"));
        // Onset 0.5 (default): 0.5 turns speech on at 0 s; the 1 s stream is one segment 0–1 s (padding clamped to the stream).
        Assert.That(output.Segments, Has.Count.EqualTo(1));
        Assert.That(output.Segments[0].StartSeconds, Is.EqualTo(0).Within(1e-9));
        Assert.That(output.Segments[0].EndSeconds, Is.EqualTo(1.0).Within(1e-9));
    }

    [Test]
    public void When_every_member_fails_the_push_says_so()
    {
        using var provider = Provider(new ScriptedStreamingModel("a", 160, 0.9f, failAtFrame: 0), new ScriptedStreamingModel("b", 320, 0.1f, failAtFrame: 1));
        var host = provider.GetRequiredService<ChorusHost>();
        using var folder = new TempFolder();
        var ensemble = host.LoadSpeechEnsemble(folder.Write("doomed.speech.json", """{ "id": "doomed", "members": ["a", "b"] }"""));
        using var stream = ensemble.OpenStream();
        Assert.That(() => stream.Push(new float[1600], new SpeechStreamOutput(2)),
            Throws.InstanceOf<ChorusException>().With.Message.Contains("every member failed").And.Message.Contains("device lost"));
    }

    private static ServiceProvider Provider(params ScriptedStreamingModel[] models)
    {
        var services = new ServiceCollection();
        var chorus = services.AddChorus();
        foreach (var model in models)
        {
            chorus.AddPlugin(CodePlugins.Manifest(model.Id, model.Labels), new ModelInstancePlugin(model));
        }

        return services.BuildServiceProvider();
    }
}
