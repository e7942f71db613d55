using System.Collections.Concurrent;
using Chorus.Fusion;
using Chorus.Hosting.Ensembles;
using Chorus.Plugins;
using Microsoft.Extensions.Logging;

namespace Chorus.Hosting.Remote;

/// <summary>
/// One <see cref="HttpClient"/> (one <see cref="SocketsHttpHandler"/>, so one connection pool) per remote server
/// (scheme, host and port), shared by every remote member on it. The host owns this and disposes it after its ensembles.
/// </summary>
internal sealed class RemoteServers : IDisposable
{
    private const long MaxResponseBytes = 64L * 1024 * 1024;
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

            // Score rows are small; a server answering more than this is broken, and must not fill the host's memory.
            MaxResponseContentBufferSize = MaxResponseBytes,
        });
    }

    /// <summary>How many servers have a client (one per server, however many members use it).</summary>
    public int Count => _clients.Count;

    /// <summary>
    /// A remote member: its metadata is checked now when the server answers. A model that does not fit is left out (a
    /// configuration error); a server that is down or answers an error does not stop the load: the member stays, and
    /// fails per the policy at request time until the server answers.
    /// </summary>
    public (EnsembleMember, IModel, LabelAlignment)? Open(EnsembleDefinition definition, EnsembleMember member, int? sampleSize, TimeSpan timeout,
        List<string> problems, ILogger logger)
    {
        var remote = member.Remote!;
        if (sampleSize is null)
        {
            problems.Add($"member '{member.PluginId}' ({remote}): no local member fixes the sample size; give 'sampleSize' in its entry");
            return null;
        }

        var model = new RemoteModel(member.PluginId, remote, For(remote.ServerUrl), sampleSize.Value);
        LabelAlignment alignment;
        try
        {
            alignment = LabelAlignment.Create(definition.Labels, model.Labels, member.PluginId);
        }
        catch (FusionConfigurationException ex)
        {
            problems.Add($"member '{member.PluginId}' ({remote}): {ex.Message}");
            return null;
        }

        if (model.Check(timeout, out var mismatch) is { } problem)
        {
            if (mismatch)
            {
                problems.Add(problem);
                return null;
            }

            problems.Add($"{problem} (not checked at load; the member stays and is checked again on its first request)");
#pragma warning disable CA1848 // Rare, at startup.
            logger.LogWarning("Ensemble {Ensemble}: remote member {Member} could not be checked at load: {Reason}", definition.Id, member.PluginId, problem);
#pragma warning restore CA1848
        }

        return (member, model, alignment);
    }

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
