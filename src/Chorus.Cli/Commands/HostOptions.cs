using System.CommandLine;
using Chorus.Hosting;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Speech;
using Chorus.OnnxRuntime;

namespace Chorus.Cli.Commands;

/// <summary>Options every host-based command shares, and opening the host and an ensemble from them.</summary>
internal static class HostOptions
{
    public const string DefaultPluginDirectory = "plugins";

    public static Option<string?> Plugins() => new("--plugins")
    {
        Description = $"Plugin folder (default: the ensemble file's folder, else ./{DefaultPluginDirectory}).",
    };

    public static Option<string[]> Providers() => new("--providers")
    {
        Description = "Execution providers in order of preference (e.g. --providers dml cuda cpu).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static ChorusHost OpenHost(string? pluginDirectory, string? ensembleFile, string[]? providers)
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(pluginDirectory ?? (ensembleFile is not null ? Path.GetDirectoryName(Path.GetFullPath(ensembleFile))! : DefaultPluginDirectory));
        foreach (var name in (providers ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            options.ExecutionProviders.Add(ExecutionProvider.Parse(name));
        }

        return ChorusHost.Create(options);
    }

    /// <summary>ENSEMBLE is an ensemble file, or the id of an ensemble beside the plugins.</summary>
    /// <summary>True when the name is a speech ensemble file (<c>*.speech.json</c>) or the id of a speech ensemble in the plugin folder.</summary>
    public static bool IsSpeechEnsemble(string ensemble, string? pluginDirectory) =>
        ensemble.EndsWith(SpeechEnsembleDefinition.FileSuffix, StringComparison.OrdinalIgnoreCase)
        || (!File.Exists(ensemble) && File.Exists(Path.Combine(pluginDirectory ?? DefaultPluginDirectory, ensemble + SpeechEnsembleDefinition.FileSuffix)));

    public static (ChorusHost Host, SpeechEnsemble Ensemble) OpenSpeechEnsemble(string ensemble, string? pluginDirectory, string[]? providers)
    {
        var isFile = File.Exists(ensemble);
        var host = OpenHost(pluginDirectory, isFile ? ensemble : null, providers);
        try
        {
            return (host, isFile ? host.LoadSpeechEnsemble(ensemble) : host.GetSpeechEnsemble(ensemble));
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public static (ChorusHost Host, Ensemble Ensemble) OpenEnsemble(string ensemble, string? pluginDirectory, string[]? providers)
    {
        var isFile = File.Exists(ensemble);
        var host = OpenHost(pluginDirectory, isFile ? ensemble : null, providers);
        try
        {
            return (host, isFile ? host.LoadEnsemble(ensemble) : host.GetEnsemble(ensemble));
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
