using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Hosting.Tests.Plugins;

/// <summary>
/// Registers a keyed string; the tests resolve it to prove AddChorus ran the module. A string, because it is the same type
/// in the plugin's load context and the host's.
/// </summary>
public sealed class TestModule : IChorusModule
{
    public const string Key = "chorus-test-module";

    public const string Value = "registered by a plugin module";

    public void ConfigureServices(IServiceCollection services) => services.AddKeyedSingleton<string>(Key, Value);
}
