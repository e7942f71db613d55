namespace Chorus.OnnxRuntime;

/// <summary>ONNX Runtime's graph optimization levels (<c>GraphOptimizationLevel</c>, ORT C API header 1.29).</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No graph optimization.</summary>
    DisableAll = 0,
    /// <summary>Constant folding, redundant node elimination, semantics-preserving fusions for every provider.</summary>
    Basic = 1,
    /// <summary>Basic plus complex fusions for the CPU and CUDA providers.</summary>
    Extended = 2,
    /// <summary>Extended plus layout optimizations.</summary>
    Layout = 3,
    /// <summary>Everything (ONNX Runtime's default).</summary>
    All = 99,
}
