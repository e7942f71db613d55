namespace Chorus.Plugins;

/// <summary>Opens ONNX models for plugins, so the execution provider, threading and limits stay the host's choice.</summary>
public interface IModelSessionFactory
{
    /// <summary>Loads an ONNX model file; the caller disposes the session.</summary>
    IModelSession Open(string modelPath, string? modelName = null);
}
