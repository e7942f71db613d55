namespace Chorus.OnnxRuntime;

/// <summary>What an ONNX model says about itself (its <c>ModelProto</c> fields and <c>metadata_props</c>).</summary>
public sealed class ModelMetadata
{
    internal ModelMetadata(string producerName, string graphName, string domain, string description, string graphDescription,
        long version, IReadOnlyDictionary<string, string> customMetadata)
    {
        ProducerName = producerName;
        GraphName = graphName;
        Domain = domain;
        Description = description;
        GraphDescription = graphDescription;
        Version = version;
        CustomMetadata = customMetadata;
    }

    /// <summary>The tool that produced the model (<c>producer_name</c>).</summary>
    public string ProducerName { get; }

    /// <summary>The graph's name.</summary>
    public string GraphName { get; }

    /// <summary>The model's domain.</summary>
    public string Domain { get; }

    /// <summary>The model's <c>doc_string</c>.</summary>
    public string Description { get; }

    /// <summary>The graph's <c>doc_string</c>.</summary>
    public string GraphDescription { get; }

    /// <summary>The model's <c>model_version</c>.</summary>
    public long Version { get; }

    /// <summary>The model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; }
}
