using Chorus.Hosting;

namespace Chorus.Server.Tests;

/// <summary>A real Kestrel server on 127.0.0.1 (port 0) over a host, with a client for it; disposing stops both.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private LoopbackServer(ChorusServer server, HttpClient client)
    {
        Server = server;
        Client = client;
    }

    public ChorusServer Server { get; }

    public HttpClient Client { get; }

    /// <summary>A host over one plugin folder (the caller disposes it).</summary>
    public static ChorusHost Host(string pluginDirectory)
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(pluginDirectory);
        return ChorusHost.Create(options);
    }

    /// <summary>Starts a server over the host; <paramref name="options"/>' address is replaced by 127.0.0.1:0.</summary>
    public static async Task<LoopbackServer> StartAsync(ChorusHost host, ChorusServerOptions? options = null)
    {
        options ??= new ChorusServerOptions();
        options.Urls = "http://127.0.0.1:0";
        var server = new ChorusServer(host, options);
        var client = new HttpClient { BaseAddress = new Uri(await server.StartAsync()) };
        return new LoopbackServer(server, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
