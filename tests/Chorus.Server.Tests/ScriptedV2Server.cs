using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>
/// A tiny v2 server on 127.0.0.1 whose answers a test sets: the model metadata (status and body), and for inference a
/// delay, a status and a body. It records the headers of the last inference request. Stands in for a Triton or KServe
/// server that is slow, answers errors, or serves a model that does not fit.
/// </summary>
internal sealed class ScriptedV2Server : IAsyncDisposable
{
    /// <summary>Metadata of a digits-like model: one FP32 [-1, 64] input 'x', one FP32 [-1, 10] output 'y'.</summary>
    public const string DigitsMetadata = """
        { "name": "scripted", "versions": ["1"], "platform": "onnxruntime",
          "inputs": [ { "name": "x", "datatype": "FP32", "shape": [-1, 64] } ],
          "outputs": [ { "name": "y", "datatype": "FP32", "shape": [-1, 10] } ] }
        """;

    private readonly WebApplication _app;

    private ScriptedV2Server(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public string MetadataBody { get; set; } = DigitsMetadata;

    public int MetadataStatus { get; set; } = 200;

    public TimeSpan InferDelay { get; set; }

    public int InferStatus { get; set; } = 200;

    /// <summary>The inference answer; by default a one-hot score row for class 0 per sample of a batch of one.</summary>
    public string InferBody { get; set; } = """{ "outputs": [ { "name": "y", "shape": [1, 10], "datatype": "FP32", "data": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] } ] }""";

    public string InferContentType { get; set; } = "application/json";

    /// <summary>The headers of the last inference request.</summary>
    public IReadOnlyDictionary<string, string>? LastInferHeaders { get; private set; }

    public string? LastInferBody { get; private set; }

    public static async Task<ScriptedV2Server> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        ScriptedV2Server? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        server = new ScriptedV2Server(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>A loopback port that was free a moment ago; nothing listens on it.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await Answer(context, MetadataStatus, MetadataBody, "application/json");
            return;
        }

        LastInferHeaders = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            LastInferBody = await reader.ReadToEndAsync(context.RequestAborted);
        }

        try
        {
            await Task.Delay(InferDelay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // The client gave up (its deadline): nobody reads the answer.
        }

        await Answer(context, InferStatus, InferBody, InferContentType);
    }

    private static async Task Answer(HttpContext context, int status, string body, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
