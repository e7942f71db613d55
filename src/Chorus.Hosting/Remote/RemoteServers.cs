using System.Collections.Concurrent;

namespace Chorus.Hosting.Remote;

/// <summary>
/// One <see cref="HttpClient"/> (one <see cref="SocketsHttpHandler"/>, so one connection pool) per remote server
/// (scheme, host and port), shared by every remote member on it. The host owns this and disposes it after its ensembles.
/// </summary>
internal sealed class RemoteServers : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    /// <summary>The client for <paramref name="serverUrl"/>'s server.</summary>
    public HttpClient For(Uri serverUrl)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _clients.GetOrAdd(serverUrl.GetLeftPart(UriPartial.Authority), static _ => new HttpClient(new SocketsHttpHandler
        {
            // Re-resolve DNS now and then (a server behind a changing address); idle connections go after a minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        })
        {
            // Each call carries its member's deadline as a token; HttpClient's own 100 s default would only hide it.
            Timeout = Timeout.InfiniteTimeSpan,
        });
    }

    /// <summary>How many servers have a client (one per server, however many members use it).</summary>
    public int Count => _clients.Count;

    public void Dispose()
    {
        _disposed = true;
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
