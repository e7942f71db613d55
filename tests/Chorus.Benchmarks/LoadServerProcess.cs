using System.Diagnostics;

namespace Chorus.Benchmarks;

/// <summary>A server started by <c>load</c> as a child process (this program, in a server mode), so its RSS and CPU are its own.</summary>
internal sealed class LoadServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LoadServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public long ResidentBytes => LoadServerHost.ResidentBytes(_process.Id);

    public TimeSpan CpuTime => LoadServerHost.CpuTime(_process.Id);

    /// <summary>Starts this program with <paramref name="arguments"/> and waits (at most 60 s) for its <c>listening URL</c> line.</summary>
    public static async Task<LoadServerProcess> StartAsync(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new BenchmarkException("The program's own path is unknown; cannot start the server."))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Run as 'dotnet Chorus.Benchmarks.dll': the child needs the assembly too.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(LoadServerProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new BenchmarkException($"Could not start {start.FileName}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(LoadServerHost.ListeningPrefix, StringComparison.Ordinal))
                {
                    // Keep draining its output so the child never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    return new LoadServerProcess(process, new Uri(line[LoadServerHost.ListeningPrefix.Length..].TrimEnd('/') + "/"));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new BenchmarkException($"The server ({string.Join(' ', arguments)}) did not report its address within 60 s; run it alone to see why.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
