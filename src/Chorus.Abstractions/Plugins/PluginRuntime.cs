namespace Chorus.Plugins;

/// <summary>How a plugin's model runs.</summary>
public enum PluginRuntime
{
    /// <summary>An ONNX file described by the manifest alone; the host preprocesses and runs it.</summary>
    Onnx,

    /// <summary>A .NET assembly with an <see cref="IModelPlugin"/>, loaded in its own load context.</summary>
    Assembly,

    /// <summary>A native library implementing the Chorus C ABI.</summary>
    Native,
}
