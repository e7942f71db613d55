namespace Chorus.OnnxRuntime;

/// <summary>ONNX Runtime's <c>OrtErrorCode</c> values (ORT C API header 1.29), carried by <see cref="OnnxRuntimeException"/>.</summary>
public enum OrtErrorCode
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>Unspecified failure.</summary>
    Fail = 1,
    /// <summary>An argument was not valid.</summary>
    InvalidArgument = 2,
    /// <summary>A file was not found.</summary>
    NoSuchFile = 3,
    /// <summary>No model was loaded.</summary>
    NoModel = 4,
    /// <summary>The engine failed.</summary>
    EngineError = 5,
    /// <summary>An exception was raised while running.</summary>
    RuntimeException = 6,
    /// <summary>The model is not valid protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>The model was loaded already.</summary>
    ModelLoaded = 8,
    /// <summary>The feature is not implemented.</summary>
    NotImplemented = 9,
    /// <summary>The graph is not valid.</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    EpFail = 11,
    /// <summary>Model loading was canceled.</summary>
    ModelLoadCanceled = 12,
    /// <summary>The model must be compiled first.</summary>
    ModelRequiresCompilation = 13,
    /// <summary>Something was not found.</summary>
    NotFound = 14,
    /// <summary>The device was reset.</summary>
    DeviceReset = 15,
}
