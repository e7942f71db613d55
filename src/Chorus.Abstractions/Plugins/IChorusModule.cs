using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Plugins;

/// <summary>
/// Lets an assembly plugin contribute services to the host's container. Every public non-abstract type implementing it in a
/// plugin assembly is created (parameterless constructor) and called while <c>AddChorus</c> runs.
/// </summary>
public interface IChorusModule
{
    /// <summary>Adds the plugin's services.</summary>
    void ConfigureServices(IServiceCollection services);
}
