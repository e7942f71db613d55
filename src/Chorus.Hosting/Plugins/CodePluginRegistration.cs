using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary>A plugin registered in code with <c>AddPlugin</c>: its manifest and how to create it.</summary>
internal sealed record CodePluginRegistration(PluginManifest Manifest, Func<IModelPlugin> Create);
