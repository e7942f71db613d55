using System.CommandLine;
using System.Runtime.InteropServices;
using Chorus.Hosting;
using Chorus.Hosting.Plugins;
using Chorus.Hosting.Scheduling;
using Chorus.Server;

namespace Chorus.Cli.Commands;

/// <summary>
/// <c>chorus serve [--plugins DIR] [--urls URL] [--api-key KEY] [--batching ID=MAXBATCH[,DELAY]]... [--replay ENSEMBLE=CSV]...
/// [--no-ui]</c>: serves the plugins and ensembles in DIR over the Open Inference Protocol v2, and the live visualizer at
/// /ui, until Ctrl+C (docs/serving.md, docs/visualizer.md).
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
        var batching = new Option<string[]>("--batching")
        {
            Description = "Dynamic batching for a plugin model: ID=MAXBATCH[,DELAY], e.g. digits-mlp=32,2ms (DELAY in us, ms or s; default 0). Repeat for more models.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var replay = new Option<string[]>("--replay")
        {
            Description = "A data set the visualizer at /ui can replay, as ENSEMBLE=CSV (e.g. digits=tests/data/digits/test.csv, or a speech ensemble with the speech test set's index: vad=tests/data/speech/index.csv); repeatable.",
        };
        var noUi = new Option<bool>("--no-ui")
        {
            Description = "Do not serve the live visualizer at /ui.",
        };
        var command = new Command("serve", "Serve the plugins and ensembles over HTTP with the Open Inference Protocol v2 (KServe / Triton), and a live visualizer at /ui.")
        {
            plugins, urls, apiKey, providers, batching, replay, noUi,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(plugins), result.GetValue(urls)!, result.GetValue(apiKey),
            result.GetValue(providers), Console.Out, cancellationToken, result.GetValue(batching), result.GetValue(replay), !result.GetValue(noUi)));
        return command;
    }

    internal static async Task<int> RunAsync(string? pluginDirectory, string urls, string? apiKey, string[]? providers, TextWriter output,
        CancellationToken cancellationToken, string[]? batching = null, string[]? replays = null, bool visualizer = true)
    {
        var serverOptions = new ChorusServerOptions { Urls = urls, ApiKey = apiKey };
        try
        {
            foreach (var (id, spec) in ParseBatching(batching ?? []))
            {
                serverOptions.Batching[id] = spec;
            }
        }
        catch (FormatException ex)
        {
            await output.WriteLineAsync($"error: --batching: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        using var host = HostOptions.OpenHost(pluginDirectory, null, providers);
        serverOptions.EnableVisualizer = visualizer;
        foreach (var replay in replays ?? [])
        {
            var equals = replay.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == replay.Length - 1)
            {
                await output.WriteLineAsync($"error: --replay '{replay}' must be ENSEMBLE=CSV, e.g. --replay digits=tests/data/digits/test.csv.").ConfigureAwait(false);
                return 2;
            }

            serverOptions.VisualizerReplays[replay[..equals]] = replay[(equals + 1)..];
        }

        ChorusServer server;
        try
        {
            server = new ChorusServer(host, serverOptions);
        }
        catch (Exception ex) when (ex is ArgumentException or ChorusException)
        {
            // A --batching or --replay value the server refused (its message names the option's value and the fix).
            await output.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
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

            foreach (var (id, spec) in serverOptions.Batching)
            {
                await output.WriteLineAsync($"batching {id}: max batch {spec.MaxBatchSize}, max queue delay {spec.MaxQueueDelay.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} ms").ConfigureAwait(false);
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
                await output.WriteLineAsync(serverOptions.VisualizerReplays.Count == 0
                    ? $"Visualizer: {address.TrimEnd('/')}/ui (no replay data: add --replay digits=tests/data/digits/test.csv)"
                    : $"Visualizer: {address.TrimEnd('/')}/ui (replays: {string.Join(", ", serverOptions.VisualizerReplays.Keys)})").ConfigureAwait(false);
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

    /// <summary>Parses <c>ID=MAXBATCH[,DELAY]</c> values; the message of a <see cref="FormatException"/> says which and why.</summary>
    internal static IEnumerable<(string Id, DynamicBatchingOptions Options)> ParseBatching(IEnumerable<string> values)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parsed = new List<(string, DynamicBatchingOptions)>();
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"'{value}' must be ID=MAXBATCH[,DELAY], e.g. 'digits-mlp=32,2ms'.");
            }

            var id = value[..equals].Trim();
            if (!seen.Add(id))
            {
                throw new FormatException($"'{id}' is given twice.");
            }

            parsed.Add((id, DynamicBatchingOptions.Parse(value[(equals + 1)..])));
        }

        return parsed;
    }
}
