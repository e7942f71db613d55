namespace Chorus.Hosting.Plugins;

/// <summary>A plugin could not be turned into a model: a missing file, an entry point that cannot be created, or a model that does not match its manifest.</summary>
public sealed class PluginLoadException : ChorusException
{
    /// <summary>Creates the exception for a plugin.</summary>
    public PluginLoadException(string pluginId, string message, Exception? innerException = null)
        : base(message, pluginId, innerException)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PluginLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PluginLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message (prefer the constructors that take one).</summary>
    public PluginLoadException()
    {
    }
}
