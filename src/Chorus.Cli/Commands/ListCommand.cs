using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Plugins;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus list [--plugins DIR]</c>: each plugin with its status and, if it failed, why; then the ensembles.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var plugins = HostOptions.Plugins();
        var command = new Command("list", "List the plugins in a folder with their status (and why a plugin failed), and the ensembles beside them.") { plugins };
        command.SetAction(result => Run(result.GetValue(plugins), Console.Out));
        return command;
    }

    internal static int Run(string? pluginDirectory, TextWriter output)
    {
        using var host = HostOptions.OpenHost(pluginDirectory, null, null);
        output.WriteLine($"{"PLUGIN",-22} {"STATUS",-7} {"RUNTIME",-9} {"LABELS",6}  DETAIL");
        foreach (var plugin in host.Catalog.Plugins)
        {
            var runtime = plugin.Manifest?.Runtime.ToString().ToLowerInvariant() ?? "-";
            var labels = plugin.Manifest?.Labels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            var detail = plugin.Status == PluginStatus.Loaded ? plugin.Source : plugin.Error;
            output.WriteLine($"{plugin.Id,-22} {(plugin.Status == PluginStatus.Loaded ? "ok" : "FAILED"),-7} {runtime,-9} {labels,6}  {detail}");
        }

        output.WriteLine();
        foreach (var ensemble in host.Ensembles)
        {
            output.WriteLine($"ensemble {ensemble.Id}: {string.Join(", ", ensemble.Members.Select(m => m.PluginId))} ({ensemble.Strategy}; fitted: {string.Join(", ", ensemble.AvailableStrategies)})");
        }

        foreach (var speech in host.SpeechEnsembles)
        {
            output.WriteLine($"speech ensemble {speech.Id}: {string.Join(", ", speech.Definition.Members.Select(m => m.Weight == 1 ? m.PluginId : FormattableString.Invariant($"{m.PluginId} ×{m.Weight}")))} ({speech.Definition.Fusion.Mode.ToString().ToLowerInvariant()} frame fusion; chorus vad)");
        }

        foreach (var problem in host.EnsembleProblems)
        {
            output.WriteLine($"ensemble problem: {problem}");
        }

        var failed = host.Catalog.Failures.Count();
        output.WriteLine($"{host.Catalog.Plugins.Count - failed} plugin(s) loaded, {failed} failed, {host.Ensembles.Count} ensemble(s), {host.SpeechEnsembles.Count} speech ensemble(s)");
        return failed == 0 && host.EnsembleProblems.Count == 0 ? 0 : 1;
    }
}
