using Chorus.OnnxRuntime;
using Chorus.Plugins;

namespace Chorus.Hosting.Plugins;

/// <summary>Opens ONNX models with the host's execution providers and the shared environment.</summary>
internal sealed class OnnxSessionFactory : IModelSessionFactory
{
    private readonly ChorusOptions _options;

    public OnnxSessionFactory(ChorusOptions options)
    {
        _options = options;
    }

    public IModelSession Open(string modelPath, string? modelName = null) => new OnnxModelSession(OpenSession(modelPath, modelName));

    public InferenceSession OpenSession(string modelPath, string? modelName)
    {
        var sessionOptions = new SessionOptions
        {
            ModelName = modelName ?? Path.GetFileName(modelPath),
            StrictExecutionProviders = _options.StrictExecutionProviders,
        };
        foreach (var provider in _options.ExecutionProviders)
        {
            sessionOptions.ExecutionProviders.Add(provider);
        }

        return InferenceSession.Create(modelPath, sessionOptions);
    }
}
