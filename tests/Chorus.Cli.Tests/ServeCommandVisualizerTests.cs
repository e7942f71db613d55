using System.Net;
using System.Text.RegularExpressions;
using Chorus.Cli.Commands;

namespace Chorus.Cli.Tests;

/// <summary><c>chorus serve</c>'s visualizer options: <c>--replay ENSEMBLE=CSV</c> and <c>--no-ui</c> (docs/visualizer.md).</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed partial class ServeCommandVisualizerTests
{
    [TestCase("digits", "--replay 'digits' must be ENSEMBLE=CSV")]
    [TestCase("=tests/data/digits/test.csv", "must be ENSEMBLE=CSV")]
    [TestCase("speech=tests/data/digits/test.csv", "there is no ensemble 'speech'; loaded: ")]
    [TestCase("vad=no-such-folder/index.csv", "index 'no-such-folder/index.csv' does not exist")]
    public async Task A_bad_replay_stops_serve_with_a_clear_error(string replay, string expected)
    {
        var output = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(Repository.Plugins, "http://127.0.0.1:0", null, null, output, CancellationToken.None, replays: [replay]);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.ToString(), Does.StartWith("error: ").And.Contain(expected));
    }

    [Test]
    public async Task Serve_prints_the_visualizer_address_and_serves_the_replay_there()
    {
        var (exitCode, text, ui, start) = await ServeAsync([$"digits={Repository.Digits("test")}"], visualizer: true);

        Assert.That(exitCode, Is.Zero, text);
        Assert.That(text, Does.Match(@"Visualizer: http://127\.0\.0\.1:\d+/ui \(replays: digits\)"));
        Assert.That(ui, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(start, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Serve_replays_the_speech_test_set_through_the_vad_speech_ensemble()
    {
        var index = Path.Combine(Repository.Root, "tests", "data", "speech", "index.csv");
        var (exitCode, text, ui, start) = await ServeAsync([$"vad={index}"], visualizer: true);

        Assert.That(exitCode, Is.Zero, text);
        Assert.That(text, Does.Match(@"Visualizer: http://127\.0\.0\.1:\d+/ui \(replays: vad\)"));
        Assert.That(ui, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(start, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task No_ui_leaves_the_visualizer_out()
    {
        var (exitCode, text, ui, _) = await ServeAsync([], visualizer: false);

        Assert.That(exitCode, Is.Zero, text);
        Assert.That(text, Does.Not.Contain("Visualizer"));
        Assert.That(ui, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>Runs serve on a free port until it has answered GET /ui and POST /ui/replay/start, then stops it.</summary>
    private static async Task<(int ExitCode, string Output, HttpStatusCode Ui, HttpStatusCode Start)> ServeAsync(string[] replays, bool visualizer)
    {
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var serve = ServeCommand.RunAsync(Repository.Plugins, "http://127.0.0.1:0", null, null, synchronized, stop.Token, replays: replays, visualizer: visualizer);
        Match address = Match.Empty;
        for (var attempt = 0; attempt < 300 && !address.Success && !serve.IsCompleted; attempt++)
        {
            await Task.Delay(100);
            lock (synchronized)
            {
                address = ServingLine().Match(output.ToString());
            }
        }

        Assert.That(address.Success, Is.True, output.ToString());
        using var client = new HttpClient { BaseAddress = new Uri(address.Groups[1].Value.TrimEnd('/') + "/") };
        HttpStatusCode ui, start;
        using (var response = await client.GetAsync("ui"))
        {
            ui = response.StatusCode;
        }

        using (var response = await client.PostAsync("ui/replay/start?rate=5", null))
        {
            start = response.StatusCode;
        }

        await stop.CancelAsync();
        var exitCode = await serve;
        lock (synchronized)
        {
            return (exitCode, output.ToString(), ui, start);
        }
    }

    [GeneratedRegex(@"Serving the Open Inference Protocol v2 on (\S+) ")]
    private static partial Regex ServingLine();
}
