using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chorus.Hosting.Tests;

/// <summary>
/// A minimal v2 server on 127.0.0.1 over <see cref="HttpListener"/> (no ASP.NET in this project): GET answers the metadata
/// body, POST the inference body, both set by the test. It records the last POST's body and Authorization header.
/// </summary>
internal sealed class ListenerV2Server : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public ListenerV2Server()
    {
        // HttpListener cannot bind port 0; take a port that was free a moment ago.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public string MetadataBody { get; set; } = "{}";

    public string InferBody { get; set; } = "{}";

    public string? LastInferBody { get; private set; }

    public string? LastAuthorization { get; private set; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop.ContinueWith(static t => t.Exception, TaskScheduler.Default);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Stopped.
            }

            var body = MetadataBody;
            if (context.Request.HttpMethod == "POST")
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                LastInferBody = await reader.ReadToEndAsync();
                LastAuthorization = context.Request.Headers["Authorization"];
                body = InferBody;
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
