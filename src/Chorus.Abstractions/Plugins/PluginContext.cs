using Microsoft.Extensions.Logging;

namespace Chorus.Plugins;

/// <summary>What the host gives a plugin when it creates the plugin's model.</summary>
/// <param name="Manifest">The plugin's manifest (its folder is <see cref="PluginManifest.Directory"/>).</param>
/// <param name="Sessions">Opens ONNX models with the host's execution providers, threads and limits.</param>
/// <param name="LoggerFactory">The host's logging.</param>
public sealed record PluginContext(PluginManifest Manifest, IModelSessionFactory Sessions, ILoggerFactory LoggerFactory);
