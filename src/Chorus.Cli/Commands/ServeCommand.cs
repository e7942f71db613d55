using System.CommandLine;
using System.Runtime.InteropServices;
using Chorus.Hosting;
using Chorus.Hosting.Plugins;
using Chorus.Server;

namespace Chorus.Cli.Commands;

/// <summary>
/// <c>chorus serve [--plugins DIR] [--urls URL] [--api-key KEY] [--replay ENSEMBLE=CSV]... [--no-ui]</c>: serves the
/// plugins and ensembles in DIR over the Open Inference Protocol v2, and the live visualizer at /ui, until Ctrl+C
/// (docs/serving.md, docs/visualizer.md).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var plugins = HostOptions.Plugins();
        var providers = HostOptions.Providers();
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, ';'-separated (port 0 picks a free port).",
            DefaultValueFactory = _ => new ChorusServerOptions().Urls,
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "Require this key ('Authorization: Bearer KEY' or 'x-api-key: KEY') on every request except health.",
        };
        var replay = new Option<string[]>("--replay")
        {
            Description = "A data set the visualizer at /ui can replay, as ENSEMBLE=CSV (e.g. digits=tests/data/digits/test.csv); repeatable.",
        };
        var noUi = new Option<bool>("--no-ui")
        {
            Description = "Do not serve the live visualizer at /ui.",
        };
        var command = new Command("serve", "Serve the plugins and ensembles over HTTP with the Open Inference Protocol v2 (KServe / Triton), and a live visualizer at /ui.")
        {
            plugins, urls, apiKey, providers, replay, noUi,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(plugins), result.GetValue(urls)!, result.GetValue(apiKey),
            result.GetValue(providers), Console.Out, cancellationToken, result.GetValue(replay), !result.GetValue(noUi)));
        return command;
    }

    internal static async Task<int> RunAsync(string? pluginDirectory, string urls, string? apiKey, string[]? providers, TextWriter output,
        CancellationToken cancellationToken, string[]? replays = null, bool visualizer = true)
    {
        using var host = HostOptions.OpenHost(pluginDirectory, null, providers);
        var options = new ChorusServerOptions { Urls = urls, ApiKey = apiKey, EnableVisualizer = visualizer };
        foreach (var replay in replays ?? [])
        {
            var equals = replay.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == replay.Length - 1)
            {
                await output.WriteLineAsync($"error: --replay '{replay}' must be ENSEMBLE=CSV, e.g. --replay digits=tests/data/digits/test.csv.").ConfigureAwait(false);
                return 1;
            }

            options.VisualizerReplays[replay[..equals]] = replay[(equals + 1)..];
        }

        ChorusServer server;
        try
        {
            server = new ChorusServer(host, options);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (server.ConfigureAwait(false))
        {
            string address;
            try
            {
                address = await server.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await output.WriteLineAsync($"error: cannot listen on {urls}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            foreach (var plugin in host.Catalog.Plugins)
            {
                await output.WriteLineAsync(plugin.Status == PluginStatus.Loaded
                    ? $"model    {plugin.Id}"
                    : $"model    {plugin.Id} (not ready: {plugin.Error})").ConfigureAwait(false);
            }

            foreach (var ensemble in host.Ensembles)
            {
                await output.WriteLineAsync($"ensemble {ensemble.Id}: {string.Join(", ", ensemble.Members.Select(m => m.PluginId))} ({ensemble.Strategy})").ConfigureAwait(false);
            }

            foreach (var problem in host.EnsembleProblems)
            {
                await output.WriteLineAsync($"ensemble problem: {problem}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"Serving the Open Inference Protocol v2 on {address} (e.g. GET {address.TrimEnd('/')}/v2). Ctrl+C stops.").ConfigureAwait(false);
            if (visualizer)
            {
                await output.WriteLineAsync(options.VisualizerReplays.Count == 0
                    ? $"Visualizer: {address.TrimEnd('/')}/ui (no replay data: add --replay digits=tests/data/digits/test.csv)"
                    : $"Visualizer: {address.TrimEnd('/')}/ui (replays: {string.Join(", ", options.VisualizerReplays.Keys)})").ConfigureAwait(false);
            }

            // Program.Main invokes synchronously, where System.CommandLine does not turn Ctrl+C into cancellation; catch
            // SIGINT/SIGTERM here so requests in flight finish and the port is released cleanly.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop below.
            }

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await server.StopAsync(grace.Token).ConfigureAwait(false);
        }

        return 0;
    }
}
