using System.Globalization;
using Chorus.Hosting;
using Chorus.Hosting.Scheduling;
using Chorus.Server;

namespace Chorus.Benchmarks;

/// <summary>
/// The child-process side of <c>load</c>: <c>load-serve-chorus</c> serves a plugin folder with <see cref="ChorusServer"/>
/// as <c>chorus serve</c> does. Each server prints <c>listening URL</c> and serves until its standard input closes.
/// </summary>
internal static class LoadServerHost
{
    public const string ListeningPrefix = "listening ";

    public static async Task<int> RunChorusAsync(CommandLine line)
    {
        var plugins = line.GetString("--plugins") ?? throw new BenchmarkException("load-serve-chorus needs --plugins DIR.", exitCode: 2);
        var batching = line.GetString("--batching");
        line.RejectUnknown();

        var options = new ChorusOptions();
        options.PluginDirectories.Add(plugins);
        using var host = ChorusHost.Create(options);
        var serverOptions = new ChorusServerOptions { Urls = "http://127.0.0.1:0" };
        if (batching is not null)
        {
            var equals = batching.IndexOf('=', StringComparison.Ordinal);
            serverOptions.Batching[batching[..equals]] = DynamicBatchingOptions.Parse(batching[(equals + 1)..]);
        }

        await using var server = new ChorusServer(host, serverOptions);
        var address = await server.StartAsync();
        return await ServeUntilStdinClosesAsync(address, server.StopAsync);
    }

    /// <summary>Prints the address for the driver, then waits until the driver closes standard input and stops.</summary>
    public static async Task<int> ServeUntilStdinClosesAsync(string address, Func<CancellationToken, Task> stop)
    {
        await Console.Out.WriteLineAsync(ListeningPrefix + address);
        await Console.Out.FlushAsync();
        while (await Console.In.ReadLineAsync() is not null)
        {
            // The driver sends nothing; end of input is the signal to stop.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await stop(grace.Token);
        return 0;
    }

    /// <summary>CPU time (user + system) another process has used, from fields 14 and 15 of /proc/PID/stat (clock ticks of 1/100 s).</summary>
    public static TimeSpan CpuTime(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>VmRSS of another process, from /proc/PID/status.</summary>
    public static long ResidentBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var parts = line["VmRSS:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new BenchmarkException($"/proc/{processId}/status has no VmRSS line.");
    }
}
