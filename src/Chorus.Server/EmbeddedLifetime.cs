using Microsoft.Extensions.Hosting;

namespace Chorus.Server;

/// <summary>
/// A host lifetime that leaves the process's signals alone: the server is embedded, so Ctrl+C and SIGTERM belong to the
/// application (the <c>chorus serve</c> command stops the server from its own cancellation token).
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
