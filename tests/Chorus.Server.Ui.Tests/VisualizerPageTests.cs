using System.Globalization;
using Chorus.Audio;
using Chorus.Hosting;
using Chorus.Hosting.Speech;
using Chorus.Server.Tests;
using Microsoft.Playwright;

namespace Chorus.Server.Ui.Tests;

/// <summary>
/// The page at /ui in headless Chromium (Debian's <c>chromium</c>, driven by Playwright's bundled node driver; no browser is
/// downloaded), over a real Kestrel server on 127.0.0.1 with the repository's digits plugins and the digits test split as
/// replay. What the page shows is checked against sources the page does not use: the CSV rows themselves and the
/// server's v2 inference endpoint for the same row (member scores, the fused label), read by the test directly.
/// </summary>
/// <remarks>
/// Skipped (Assert.Ignore) when no Chromium is installed; .ci/run installs Debian's. Set CHORUS_CHROMIUM to use another
/// binary, and CHORUS_UI_SCREENSHOTS to a folder to keep the screenshots (docs/images/make-visualizer-screenshots.sh).
/// </remarks>
[TestFixture]
[Category("Integration")]
[Category("Browser")]
[NonParallelizable]
public sealed class VisualizerPageTests
{
    private const float DisplayRounding = 0.0005f; // The page prints scores with 3 decimals.
    private static readonly string[] s_members = ["digits-logreg", "digits-mlp", "digits-cnn"];
    private ChorusHost _host = null!;
    private LoopbackServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task StartServerAndBrowser()
    {
        var chromium = Environment.GetEnvironmentVariable("CHORUS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Assert.Ignore($"no Chromium at {chromium}: install Debian's 'chromium' package (.ci/run does) or set CHORUS_CHROMIUM to a Chromium binary.");
        }

        _host = LoopbackServer.Host(RepositoryPaths.Plugins);
        _server = await StartAsync(apiKey: null);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        });
    }

    [OneTimeTearDown]
    public async Task StopServerAndBrowser()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _host?.Dispose();
    }

    [Test]
    [Order(1)]
    public async Task Page_shows_the_scores_decision_agreement_and_accuracy_the_server_computes()
    {
        var page = await OpenAsync(_server);
        Assert.That(await page.Locator(".member .member-name").AllTextContentsAsync(), Is.EqualTo(s_members));

        await page.FillAsync("#rate", "20");
        await page.ClickAsync("#start");
        var sparkline = ".member[data-member='digits-logreg'] .sparkline";
        await page.WaitForFunctionAsync($"() => Number(document.querySelector(\"{sparkline}\").dataset.points) >= 3");
        var before = await PointsAsync(page, sparkline);
        await page.WaitForFunctionAsync($"() => Number(document.querySelector(\"{sparkline}\").dataset.points) >= {before + 20}");
        var after = await PointsAsync(page, sparkline);
        await page.ClickAsync("#stop");
        await page.WaitForSelectorAsync("#status[data-running='false']");

        var row = int.Parse(await page.TextContentAsync("#row") ?? "", CultureInfo.InvariantCulture);
        var seen = int.Parse(await page.TextContentAsync("#seen") ?? "", CultureInfo.InvariantCulture);
        Assert.That(after, Is.GreaterThan(before), "the sparkline grows as samples arrive");
        Assert.That(seen, Is.LessThan(360), "the replay must not have wrapped for the accuracy check below");
        Assert.That(row, Is.EqualTo(seen - 1), "rows are replayed in order from the first");

        var (samples, labels) = DigitsRows.Read(seen);
        var expected = await EnsembleInference.InferAsync(_server.Client, samples[row]);
        Assert.Multiple(async () =>
        {
            Assert.That(await page.TextContentAsync("#true-label"), Is.EqualTo(labels[row].ToString(CultureInfo.InvariantCulture)));
            Assert.That(await page.TextContentAsync("#decision"), Is.EqualTo(expected.Label));
            foreach (var member in s_members)
            {
                var shown = await ScoresAsync(page, $".member[data-member='{member}'] .member-scores .score");
                Assert.That(shown, Is.EqualTo(expected.Members[member]).Within(DisplayRounding + 1e-6), member);
                Assert.That(await PointsAsync(page, $".member[data-member='{member}'] .sparkline"), Is.EqualTo(Math.Min(seen, 60)), member);
                Assert.That(await page.GetAttributeAsync($".member[data-member='{member}']", "data-state"), Is.EqualTo("ok"), member);
            }

            // Agreement from the v2 answer: members whose own top score is the fused label.
            var agreeing = expected.Members.Values.Count(s => Array.IndexOf(s, s.Max()).ToString(CultureInfo.InvariantCulture) == expected.Label);
            Assert.That(await page.GetAttributeAsync("#agreement", "data-agreeing"), Is.EqualTo(agreeing.ToString(CultureInfo.InvariantCulture)));
            Assert.That(await page.GetAttributeAsync("#agreement", "data-answering"), Is.EqualTo("3"));
            Assert.That(await page.TextContentAsync("#agreement"), Is.EqualTo($"{agreeing}/3 members agree"));

            // Running accuracy over rows 0..seen-1, from one batched v2 request and the CSV's labels.
            var decided = await EnsembleInference.LabelsAsync(_server.Client, samples);
            var accuracy = decided.Zip(labels).Count(p => p.First == p.Second.ToString(CultureInfo.InvariantCulture)) * 100.0 / seen;
            Assert.That(await page.TextContentAsync("#accuracy"), Is.EqualTo(accuracy.ToString("0.0", CultureInfo.InvariantCulture) + " %"));
            Assert.That(await page.IsHiddenAsync("#degraded"), Is.True);
        });

        await ScreenshotAsync(page, "visualizer.png");
        await page.CloseAsync();
    }

    [Test]
    [Order(2)]
    public async Task Two_tabs_both_follow_the_replay()
    {
        var first = await OpenAsync(_server);
        var second = await OpenAsync(_server);
        await first.FillAsync("#rate", "20");
        await first.ClickAsync("#start");

        await second.WaitForFunctionAsync("() => Number(document.querySelector('#seen').textContent) >= 5");
        await first.WaitForFunctionAsync("() => Number(document.querySelector('#seen').textContent) >= 5");
        await second.ClickAsync("#stop");
        await first.WaitForSelectorAsync("#status[data-running='false']");
        await second.WaitForSelectorAsync("#status[data-running='false']");

        Assert.That(await second.TextContentAsync("#row"), Is.EqualTo(await first.TextContentAsync("#row")), "both tabs show the last sample");
        Assert.That(await second.TextContentAsync("#decision"), Is.EqualTo(await first.TextContentAsync("#decision")));
        await first.CloseAsync();
        await second.CloseAsync();
    }

    [Test]
    [Order(3)]
    public async Task An_unloaded_member_is_highlighted_with_its_reason()
    {
        using (var unload = await _server.Client.PostAsync("v2/repository/models/digits-cnn/unload", null))
        {
            Assert.That(unload.IsSuccessStatusCode, Is.True);
        }

        try
        {
            var page = await OpenAsync(_server);
            await page.FillAsync("#rate", "20");
            await page.ClickAsync("#start");
            await page.WaitForSelectorAsync(".member[data-member='digits-cnn'].degraded");
            await page.WaitForFunctionAsync("() => Number(document.querySelector('#seen').textContent) >= 20");
            await page.ClickAsync("#stop");
            await page.WaitForSelectorAsync("#status[data-running='false']");

            Assert.Multiple(async () =>
            {
                Assert.That(await page.GetAttributeAsync(".member[data-member='digits-cnn']", "data-state"), Is.EqualTo("degraded"));
                Assert.That(await page.TextContentAsync(".member[data-member='digits-cnn'] .member-error"), Does.Contain("unloaded"));
                Assert.That(await page.TextContentAsync(".member[data-member='digits-cnn'] .member-latency"), Is.EqualTo("no answer"));
                Assert.That(await page.IsVisibleAsync("#degraded"), Is.True);
                Assert.That(await page.TextContentAsync("#degraded"), Does.Contain("digits-cnn left out"));
                Assert.That(await page.GetAttributeAsync("#agreement", "data-answering"), Is.EqualTo("2"));
                foreach (var member in s_members.Take(2))
                {
                    Assert.That(await page.GetAttributeAsync($".member[data-member='{member}']", "data-state"), Is.EqualTo("ok"), member);
                }

                // The fused decision of the degraded ensemble is still the server's.
                var row = int.Parse(await page.TextContentAsync("#row") ?? "", CultureInfo.InvariantCulture);
                var expected = await EnsembleInference.InferAsync(_server.Client, DigitsRows.Read(row + 1).Samples[row]);
                Assert.That(expected.Members.Keys, Is.EquivalentTo(s_members.Take(2)));
                Assert.That(await page.TextContentAsync("#decision"), Is.EqualTo(expected.Label));
            });

            await ScreenshotAsync(page, "visualizer-degraded.png");
            await page.CloseAsync();
        }
        finally
        {
            using var load = await _server.Client.PostAsync("v2/repository/models/digits-cnn/load", null);
        }
    }

    [Test]
    [Order(4)]
    public async Task With_an_api_key_the_page_asks_for_it_then_goes_live()
    {
        await using var server = await StartAsync(apiKey: "s3cret");
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "ui").ToString());
        await page.WaitForSelectorAsync("#key-form:not([hidden])");
        Assert.That(await page.GetAttributeAsync("#connection", "data-state"), Is.EqualTo("error"));

        await page.FillAsync("#api-key", "s3cret");
        await page.ClickAsync("#key-form button");
        await page.WaitForSelectorAsync("#connection[data-state='live']");
        await page.ClickAsync("#start");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#seen').textContent) >= 1");
        await page.ClickAsync("#stop");
        await page.WaitForSelectorAsync("#status[data-running='false']");
        Assert.That(await page.IsHiddenAsync("#key-form"), Is.True);
        await page.CloseAsync();
    }

    [Test]
    [Order(5)]
    public async Task The_speech_replay_shows_the_vad_members_fused_probability_decision_and_labels()
    {
        var page = await OpenAsync(_server);
        await page.SelectOptionAsync("#source", "vad");
        Assert.That(await page.TextContentAsync("#rate-unit"), Does.StartWith("chunks/s"));
        await page.FillAsync("#rate", "8");
        await page.ClickAsync("#start");
        await page.WaitForSelectorAsync("#speech-panel:not([hidden])");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('#speech-panel').dataset.chunk) >= 8");
        await page.ClickAsync("#stop");
        await page.WaitForSelectorAsync("#status[data-running='false']");

        var file = await page.GetAttributeAsync("#speech-panel", "data-file") ?? "";
        var chunk = int.Parse(await page.GetAttributeAsync("#speech-panel", "data-chunk") ?? "", CultureInfo.InvariantCulture);
        var ensemble = _host.GetSpeechEnsemble("vad");
        var (probability, speechFrames, frames, members) = ExpectedChunk(ensemble, file, chunk);
        var decision = probability >= 0.5 ? "speech" : "non-speech";
        Assert.Multiple(async () =>
        {
            Assert.That(file, Is.EqualTo(File.ReadLines(SpeechIndex).Skip(1).First().Split(',')[0]), "the replay starts at the index's first file");
            Assert.That(await page.IsHiddenAsync("#decision-panel"), Is.True, "the digits view is hidden");
            Assert.That(await page.Locator(".member .member-name").AllTextContentsAsync(), Is.EqualTo(ensemble.MemberIds));
            var shown = double.Parse((await page.TextContentAsync("#speech-probability") ?? "").Split(' ')[0], CultureInfo.InvariantCulture);
            Assert.That(shown, Is.EqualTo(probability).Within(DisplayRounding + 1e-6), "fused probability of the chunk on screen");
            Assert.That(await page.TextContentAsync("#speech-decision"), Is.EqualTo(decision));
            Assert.That(await page.TextContentAsync("#speech-truth"), Is.EqualTo(2 * speechFrames >= frames ? "speech" : "non-speech"));
            Assert.That(await page.Locator("#speech-strip .frame").CountAsync(), Is.EqualTo(frames));
            Assert.That(await page.Locator("#speech-strip .frame[data-truth='true']").CountAsync(), Is.EqualTo(speechFrames));
            for (var m = 0; m < members.Length; m++)
            {
                var card = $".member[data-member='{ensemble.MemberIds[m]}']";
                var own = double.Parse(await page.TextContentAsync(card + " .member-probability") ?? "", CultureInfo.InvariantCulture);
                Assert.That(own, Is.EqualTo(members[m]).Within(DisplayRounding + 1e-6), ensemble.MemberIds[m]);
                Assert.That(await page.GetAttributeAsync(card, "data-state"), Is.EqualTo("ok"));
                Assert.That(await PointsAsync(page, card + " .sparkline.latencies"), Is.EqualTo(chunk + 1), "one latency per chunk");
                Assert.That(await PointsAsync(page, card + " .sparkline.probabilities"), Is.EqualTo(60), "the last 60 frames (the feed's window)");
            }

            Assert.That(await page.TextContentAsync("#speech-accuracy"), Does.EndWith(" %"));
        });

        await ScreenshotAsync(page, "visualizer-speech.png");
        await page.CloseAsync();
    }

    private static string SpeechIndex => Path.Combine(RepositoryPaths.Root, "tests", "data", "speech", "index.csv");

    /// <summary>
    /// Chunk <paramref name="chunk"/> (0.25 s) of <paramref name="file"/> through a stream opened here on the host's
    /// speech ensemble: the mean fused probability, how many of its fused frames' centres lie in the label file's
    /// segments (parsed here), how many frames, and each member's mean probability.
    /// </summary>
    private static (double Probability, int SpeechFrames, int Frames, double[] Members) ExpectedChunk(SpeechEnsemble ensemble, string file, int chunk)
    {
        var folder = Path.GetDirectoryName(SpeechIndex)!;
        var segments = File.ReadLines(Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + ".labels.txt"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => l.Split('\t'))
            .Select(c => (Start: double.Parse(c[0], CultureInfo.InvariantCulture), End: double.Parse(c[1], CultureInfo.InvariantCulture)))
            .ToArray();
        var audio = WavReader.Read(Path.Combine(folder, file)).Samples;
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(ensemble.MemberIds.Count);
        for (var c = 0; c <= chunk; c++)
        {
            output.Clear();
            stream.Push(audio.Span.Slice(c * 4000, Math.Min(4000, audio.Length - (c * 4000))), output);
        }

        var speech = output.Frames.Count(f => segments.Any(s => f.StartSeconds + (f.DurationSeconds / 2) >= s.Start && f.StartSeconds + (f.DurationSeconds / 2) < s.End));
        return (output.Frames.Average(f => (double)f.Probability), speech, output.Frames.Count,
            output.MemberFrames.Select(m => m.Average(f => (double)f.Probability)).ToArray());
    }

    private Task<LoopbackServer> StartAsync(string? apiKey)
    {
        var options = new ChorusServerOptions { ApiKey = apiKey };
        options.VisualizerReplays["digits"] = RepositoryPaths.DigitsTest;
        options.VisualizerReplays["vad"] = SpeechIndex;
        return LoopbackServer.StartAsync(_host, options);
    }

    private async Task<IPage> OpenAsync(LoopbackServer server)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 820 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "ui").ToString());
        await page.WaitForSelectorAsync("#connection[data-state='live']");
        await page.WaitForSelectorAsync(".member[data-member='digits-cnn']");
        return page;
    }

    private static async Task<int> PointsAsync(IPage page, string selector) =>
        int.Parse(await page.GetAttributeAsync(selector, "data-points") ?? "", CultureInfo.InvariantCulture);

    /// <summary>The score values as the page prints them, in label order.</summary>
    private static async Task<double[]> ScoresAsync(IPage page, string selector) =>
        (await page.Locator(selector + " .value").AllTextContentsAsync()).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
        if (Environment.GetEnvironmentVariable("CHORUS_UI_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.Copy(path, Path.Combine(folder, name), overwrite: true);
        }
    }
}
