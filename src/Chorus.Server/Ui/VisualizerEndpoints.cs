using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Chorus.Server.Ui;

/// <summary>
/// The visualizer's routes (docs/visualizer.md): the page and its script and style at <c>/ui</c>, the event stream at
/// <c>/ui/feed</c>, a polling snapshot at <c>/ui/state</c>, and the replay controls.
/// </summary>
internal static class VisualizerEndpoints
{
    private const string AssetPrefix = "Chorus.Server.Ui.Assets.";
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] s_keepAliveFrame = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    // The page's files, which hold no data: served without the API key so a browser can load the page that then asks for it.
    private static readonly (string Path, string Resource, string ContentType)[] s_assets =
    [
        ("/ui", "index.html", "text/html; charset=utf-8"),
        ("/ui/visualizer.js", "visualizer.js", "text/javascript; charset=utf-8"),
        ("/ui/visualizer.css", "visualizer.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Whether <paramref name="request"/> asks for one of the page's static files, which need no API key.</summary>
    public static bool IsPublicAsset(HttpRequest request, ChorusServerOptions options) =>
        options.EnableVisualizer && HttpMethods.IsGet(request.Method)
        && s_assets.Any(a => string.Equals(request.Path.Value?.TrimEnd('/'), a.Path, StringComparison.Ordinal)); // Routing matches "/ui/" too.

    /// <summary>Maps the routes when <see cref="ChorusServerOptions.EnableVisualizer"/> is set; the feed ends when the app stops.</summary>
    /// <exception cref="ArgumentException">A replay names an ensemble the host lacks, or its file is missing or malformed.</exception>
    public static void Map(WebApplication app, ChorusHost host, ChorusServerOptions options)
    {
        if (!options.EnableVisualizer)
        {
            return;
        }

        // A replay names a classification ensemble (a CSV of rows) or, failing that, a speech ensemble (the speech test set's index).
        var replays = new List<(IReplaySource, Chorus.Hosting.Ensembles.Ensemble)>();
        var speech = new List<SpeechReplaySource>();
        foreach (var replay in options.VisualizerReplays)
        {
            if (host.Ensembles.FirstOrDefault(e => e.Id == replay.Key) is { } ensemble)
            {
                replays.Add((CsvReplaySource.Load(ensemble.Id, replay.Value, ensemble.SampleSize), ensemble));
            }
            else if (host.SpeechEnsembles.FirstOrDefault(e => e.Id == replay.Key) is { } speechEnsemble)
            {
                speech.Add(SpeechReplaySource.Load(speechEnsemble, replay.Value));
            }
            else
            {
                throw new ArgumentException(
                    $"visualizer replay '{replay.Key}={replay.Value}': there is no ensemble '{replay.Key}'; loaded: {string.Join(", ", host.Ensembles.Select(e => e.Id).DefaultIfEmpty("(none)"))}; speech ensembles: {string.Join(", ", host.SpeechEnsembles.Select(e => e.Id).DefaultIfEmpty("(none)"))}.");
            }
        }

        var feed = new VisualizerFeed(replays, speech);

        var stopping = app.Lifetime.ApplicationStopping;
        stopping.Register(() => _ = feed.DisposeAsync().AsTask());

        foreach (var (path, resource, contentType) in s_assets)
        {
            var bytes = ReadAsset(resource);
            app.MapGet(path, context =>
            {
                context.Response.ContentType = contentType;
                context.Response.Headers.CacheControl = "no-cache";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:";
                context.Response.ContentLength = bytes.Length;
                return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
            });
        }

        app.MapGet("/ui/feed", context => StreamAsync(context, feed, stopping));
        app.MapGet("/ui/state", context => WriteJsonAsync(context, writer => FeedJson.Write(writer, feed.Snapshot())));
        app.MapPost("/ui/replay/start", context =>
        {
            var status = Control(() => feed.Start(context.Request.Query["source"].FirstOrDefault(), Rate(context.Request.Query["rate"])));
            return WriteJsonAsync(context, writer => FeedJson.WriteStatus(writer, status));
        });
        app.MapPost("/ui/replay/stop", context =>
        {
            var status = Control(() => feed.Stop());
            return WriteJsonAsync(context, writer => FeedJson.WriteStatus(writer, status));
        });
    }

    private static double Rate(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return 10;
        }

        return values.Count == 1 && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
            ? rate
            : throw ProtocolException.BadRequest(
                $"'rate' must be one number of samples per second from {VisualizerFeed.MinRate} to {VisualizerFeed.MaxRate} (e.g. ?rate=10); got '{values}'.");
    }

    private static FeedStatus Control(Func<FeedStatus> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
        catch (ObjectDisposedException)
        {
            throw new ProtocolException(503, "the server is stopping; the visualizer feed is closed.");
        }
    }

    /// <summary>Server-Sent Events: the snapshot, then each event as it is published, a comment every 15 s to notice a gone client.</summary>
    private static async Task StreamAsync(HttpContext context, VisualizerFeed feed, CancellationToken stopping)
    {
        FeedSubscription subscription;
        try
        {
            subscription = feed.Subscribe();
        }
        catch (ObjectDisposedException)
        {
            throw new ProtocolException(503, "the server is stopping; the visualizer feed is closed.");
        }
        catch (InvalidOperationException ex)
        {
            throw new ProtocolException(503, ex.Message);
        }

        using (subscription)
        using (var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping))
        {
            var token = end.Token;
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                await WriteEventAsync(context, subscription.Snapshot, token).ConfigureAwait(false);
                while (true)
                {
                    bool more;
                    using (var beat = CancellationTokenSource.CreateLinkedTokenSource(token))
                    {
                        beat.CancelAfter(s_keepAlive);
                        try
                        {
                            more = await subscription.Events.WaitToReadAsync(beat.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!token.IsCancellationRequested)
                        {
                            await context.Response.Body.WriteAsync(s_keepAliveFrame, token).ConfigureAwait(false);
                            await context.Response.Body.FlushAsync(token).ConfigureAwait(false);
                            continue;
                        }
                    }

                    if (!more)
                    {
                        return; // The feed closed (server stopping).
                    }

                    while (subscription.Events.TryRead(out var item))
                    {
                        await WriteEventAsync(context, item, token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The tab closed or the server is stopping: leaving the using blocks unsubscribes.
            }
        }
    }

    private static async Task WriteEventAsync(HttpContext context, FeedEvent item, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"event: {FeedJson.EventName(item.Kind)}\nid: {item.Sequence}\ndata: ")));
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            FeedJson.Write(writer, item);
        }

        buffer.Write("\n\n"u8);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-cache";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, s_writerOptions))
        {
            write(writer);
            writer.Flush();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] ReadAsset(string name)
    {
        using var stream = typeof(VisualizerEndpoints).Assembly.GetManifestResourceStream(AssetPrefix + name)
            ?? throw new InvalidOperationException($"the visualizer asset '{name}' is not embedded in Chorus.Server; rebuild it.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
