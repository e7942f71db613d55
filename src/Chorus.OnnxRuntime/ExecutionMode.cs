namespace Chorus.OnnxRuntime;

/// <summary>How the nodes of one graph are scheduled (<c>ExecutionMode</c>, ORT C API header 1.29).</summary>
public enum ExecutionMode
{
    /// <summary>One node after another (parallelism inside nodes only). Required by DirectML.</summary>
    Sequential = 0,
    /// <summary>Independent branches of the graph run concurrently on the inter-op pool.</summary>
    Parallel = 1,
}
