using System.Runtime.InteropServices;

namespace Chorus.OnnxRuntime.Interop;

/// <summary>
/// The slots of the <c>OrtApi</c> function table that Chorus calls, read once into unmanaged function pointers.
/// Slot numbers and C signatures are from <c>onnxruntime_c_api.h</c>, ONNX Runtime 1.29 header, <c>ORT_API_VERSION 29</c>;
/// the table is append-only, so they hold for the 1.30 binaries. <c>St*</c> below is <c>OrtStatus*</c> (NULL = success).
/// </summary>
/// <remarks>
/// Only <c>OrtGetApiBase</c> is imported (see <see cref="OrtLibrary"/>); everything else goes through these pointers, so no
/// marshalling stubs run on any call. Every argument is blittable: pointers, <c>nint</c>/<c>nuint</c> for <c>size_t</c>.
/// </remarks>
internal static unsafe class OrtApi
{
    /// <summary>The API version requested from <c>OrtApiBase::GetApi</c>: the header version the slots were read from.</summary>
    public const uint Version = 29;

    // --- Status ---
    /// <summary>[1] OrtErrorCode GetErrorCode(const OrtStatus* status)</summary>
    public static delegate* unmanaged<nint, int> GetErrorCode;
    /// <summary>[2] const char* GetErrorMessage(const OrtStatus* status)</summary>
    public static delegate* unmanaged<nint, byte*> GetErrorMessage;
    /// <summary>[93] void ReleaseStatus(OrtStatus*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseStatus;

    // --- Environment and global thread pools ---
    /// <summary>[151] St* CreateEnvWithCustomLoggerAndGlobalThreadPools(OrtLoggingFunction logging_function, void* logger_param, OrtLoggingLevel log_severity_level, const char* logid, const OrtThreadingOptions* tp_options, OrtEnv** out)</summary>
    public static delegate* unmanaged<nint, nint, int, byte*, nint, nint*, nint> CreateEnvWithCustomLoggerAndGlobalThreadPools;
    /// <summary>[121] St* CreateThreadingOptions(OrtThreadingOptions** out)</summary>
    public static delegate* unmanaged<nint*, nint> CreateThreadingOptions;
    /// <summary>[122] void ReleaseThreadingOptions(OrtThreadingOptions*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseThreadingOptions;
    /// <summary>[147] St* SetGlobalIntraOpNumThreads(OrtThreadingOptions* tp_options, int intra_op_num_threads)</summary>
    public static delegate* unmanaged<nint, int, nint> SetGlobalIntraOpNumThreads;
    /// <summary>[148] St* SetGlobalInterOpNumThreads(OrtThreadingOptions* tp_options, int inter_op_num_threads)</summary>
    public static delegate* unmanaged<nint, int, nint> SetGlobalInterOpNumThreads;
    /// <summary>[149] St* SetGlobalSpinControl(OrtThreadingOptions* tp_options, int allow_spinning)</summary>
    public static delegate* unmanaged<nint, int, nint> SetGlobalSpinControl;
    /// <summary>[125] St* GetAvailableProviders(char*** out_ptr, int* provider_length)</summary>
    public static delegate* unmanaged<byte***, int*, nint> GetAvailableProviders;
    /// <summary>[126] St* ReleaseAvailableProviders(char** ptr, int providers_length)</summary>
    public static delegate* unmanaged<byte**, int, nint> ReleaseAvailableProviders;
    /// <summary>[195] St* GetExecutionProviderApi(const char* provider_name, uint32_t version, const void** provider_api)</summary>
    public static delegate* unmanaged<byte*, uint, nint*, nint> GetExecutionProviderApi;
    /// <summary>[254] const char* GetBuildInfoString(void)</summary>
    public static delegate* unmanaged<byte*> GetBuildInfoString;

    // --- Session options ---
    /// <summary>[10] St* CreateSessionOptions(OrtSessionOptions** options)</summary>
    public static delegate* unmanaged<nint*, nint> CreateSessionOptions;
    /// <summary>[100] void ReleaseSessionOptions(OrtSessionOptions*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseSessionOptions;
    /// <summary>[13] St* SetSessionExecutionMode(OrtSessionOptions* options, ExecutionMode execution_mode)</summary>
    public static delegate* unmanaged<nint, int, nint> SetSessionExecutionMode;
    /// <summary>[16] St* EnableMemPattern(OrtSessionOptions* options)</summary>
    public static delegate* unmanaged<nint, nint> EnableMemPattern;
    /// <summary>[17] St* DisableMemPattern(OrtSessionOptions* options)</summary>
    public static delegate* unmanaged<nint, nint> DisableMemPattern;
    /// <summary>[19] St* DisableCpuMemArena(OrtSessionOptions* options)</summary>
    public static delegate* unmanaged<nint, nint> DisableCpuMemArena;
    /// <summary>[20] St* SetSessionLogId(OrtSessionOptions* options, const char* logid)</summary>
    public static delegate* unmanaged<nint, byte*, nint> SetSessionLogId;
    /// <summary>[23] St* SetSessionGraphOptimizationLevel(OrtSessionOptions* options, GraphOptimizationLevel graph_optimization_level)</summary>
    public static delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel;
    /// <summary>[24] St* SetIntraOpNumThreads(OrtSessionOptions* options, int intra_op_num_threads)</summary>
    public static delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads;
    /// <summary>[25] St* SetInterOpNumThreads(OrtSessionOptions* options, int inter_op_num_threads)</summary>
    public static delegate* unmanaged<nint, int, nint> SetInterOpNumThreads;
    /// <summary>[120] St* DisablePerSessionThreads(OrtSessionOptions* options)</summary>
    public static delegate* unmanaged<nint, nint> DisablePerSessionThreads;
    /// <summary>[124] St* AddFreeDimensionOverrideByName(OrtSessionOptions* options, const char* dim_name, int64_t dim_value)</summary>
    public static delegate* unmanaged<nint, byte*, long, nint> AddFreeDimensionOverrideByName;
    /// <summary>[130] St* AddSessionConfigEntry(OrtSessionOptions* options, const char* config_key, const char* config_value)</summary>
    public static delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry;
    /// <summary>[216] St* SessionOptionsAppendExecutionProvider(OrtSessionOptions* options, const char* provider_name, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public static delegate* unmanaged<nint, byte*, byte**, byte**, nuint, nint> SessionOptionsAppendExecutionProvider;
    /// <summary>[204] St* SessionOptionsAppendExecutionProvider_CUDA_V2(OrtSessionOptions* options, const OrtCUDAProviderOptionsV2* cuda_options)</summary>
    public static delegate* unmanaged<nint, nint, nint> SessionOptionsAppendExecutionProvider_CUDA_V2;
    /// <summary>[205] St* CreateCUDAProviderOptions(OrtCUDAProviderOptionsV2** out)</summary>
    public static delegate* unmanaged<nint*, nint> CreateCUDAProviderOptions;
    /// <summary>[206] St* UpdateCUDAProviderOptions(OrtCUDAProviderOptionsV2* cuda_options, const char* const* provider_options_keys, const char* const* provider_options_values, size_t num_keys)</summary>
    public static delegate* unmanaged<nint, byte**, byte**, nuint, nint> UpdateCUDAProviderOptions;
    /// <summary>[208] void ReleaseCUDAProviderOptions(OrtCUDAProviderOptionsV2* input)</summary>
    public static delegate* unmanaged<nint, void> ReleaseCUDAProviderOptions;

    // --- Session ---
    /// <summary>[7] St* CreateSession(const OrtEnv* env, const ORTCHAR_T* model_path, const OrtSessionOptions* options, OrtSession** out) — ORTCHAR_T is UTF-16 on Windows, UTF-8 elsewhere.</summary>
    public static delegate* unmanaged<nint, void*, nint, nint*, nint> CreateSession;
    /// <summary>[8] St* CreateSessionFromArray(const OrtEnv* env, const void* model_data, size_t model_data_length, const OrtSessionOptions* options, OrtSession** out)</summary>
    public static delegate* unmanaged<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    /// <summary>[95] void ReleaseSession(OrtSession*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseSession;
    /// <summary>[9] St* Run(OrtSession* session, const OrtRunOptions* run_options, const char* const* input_names, const OrtValue* const* inputs, size_t input_len, const char* const* output_names, size_t output_names_len, OrtValue** outputs)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run;
    /// <summary>[30] St* SessionGetInputCount(const OrtSession* session, size_t* out)</summary>
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount;
    /// <summary>[31] St* SessionGetOutputCount(const OrtSession* session, size_t* out)</summary>
    public static delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount;
    /// <summary>[33] St* SessionGetInputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)</summary>
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    /// <summary>[34] St* SessionGetOutputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)</summary>
    public static delegate* unmanaged<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    /// <summary>[36] St* SessionGetInputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName;
    /// <summary>[37] St* SessionGetOutputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    /// <summary>[111] St* SessionGetModelMetadata(const OrtSession* session, OrtModelMetadata** out)</summary>
    public static delegate* unmanaged<nint, nint*, nint> SessionGetModelMetadata;

    // --- Model metadata ---
    /// <summary>[112] St* ModelMetadataGetProducerName(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetProducerName;
    /// <summary>[113] St* ModelMetadataGetGraphName(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphName;
    /// <summary>[114] St* ModelMetadataGetDomain(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDomain;
    /// <summary>[115] St* ModelMetadataGetDescription(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetDescription;
    /// <summary>[116] St* ModelMetadataLookupCustomMetadataMap(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, const char* key, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap;
    /// <summary>[117] St* ModelMetadataGetVersion(const OrtModelMetadata* model_metadata, int64_t* value)</summary>
    public static delegate* unmanaged<nint, long*, nint> ModelMetadataGetVersion;
    /// <summary>[118] void ReleaseModelMetadata(OrtModelMetadata*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseModelMetadata;
    /// <summary>[123] St* ModelMetadataGetCustomMetadataMapKeys(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char*** keys, int64_t* num_keys)</summary>
    public static delegate* unmanaged<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys;
    /// <summary>[158] St* ModelMetadataGetGraphDescription(const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value)</summary>
    public static delegate* unmanaged<nint, nint, byte**, nint> ModelMetadataGetGraphDescription;

    // --- Type information ---
    /// <summary>[55] St* CastTypeInfoToTensorInfo(const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out) — result owned by the type info.</summary>
    public static delegate* unmanaged<nint, nint*, nint> CastTypeInfoToTensorInfo;
    /// <summary>[56] St* GetOnnxTypeFromTypeInfo(const OrtTypeInfo* type_info, ONNXType* out)</summary>
    public static delegate* unmanaged<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    /// <summary>[60] St* GetTensorElementType(const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out)</summary>
    public static delegate* unmanaged<nint, int*, nint> GetTensorElementType;
    /// <summary>[61] St* GetDimensionsCount(const OrtTensorTypeAndShapeInfo* info, size_t* out)</summary>
    public static delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount;
    /// <summary>[62] St* GetDimensions(const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length)</summary>
    public static delegate* unmanaged<nint, long*, nuint, nint> GetDimensions;
    /// <summary>[63] St* GetSymbolicDimensions(const OrtTensorTypeAndShapeInfo* info, const char* dim_params[], size_t dim_params_length)</summary>
    public static delegate* unmanaged<nint, byte**, nuint, nint> GetSymbolicDimensions;
    /// <summary>[98] void ReleaseTypeInfo(OrtTypeInfo*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseTypeInfo;

    // --- Values ---
    /// <summary>[48] St* CreateTensorAsOrtValue(OrtAllocator* allocator, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out)</summary>
    public static delegate* unmanaged<nint, long*, nuint, int, nint*, nint> CreateTensorAsOrtValue;
    /// <summary>[49] St* CreateTensorWithDataAsOrtValue(const OrtMemoryInfo* info, void* p_data, size_t p_data_len, const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out) — p_data stays owned by the caller.</summary>
    public static delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    /// <summary>[51] St* GetTensorMutableData(OrtValue* value, void** out)</summary>
    public static delegate* unmanaged<nint, void**, nint> GetTensorMutableData;
    /// <summary>[52] St* FillStringTensor(OrtValue* value, const char* const* s, size_t s_len)</summary>
    public static delegate* unmanaged<nint, byte**, nuint, nint> FillStringTensor;
    /// <summary>[67] St* GetValueType(const OrtValue* value, ONNXType* out)</summary>
    public static delegate* unmanaged<nint, int*, nint> GetValueType;
    /// <summary>[80] St* GetValue(const OrtValue* value, int index, OrtAllocator* allocator, OrtValue** out)</summary>
    public static delegate* unmanaged<nint, int, nint, nint*, nint> GetValue;
    /// <summary>[81] St* GetValueCount(const OrtValue* value, size_t* out)</summary>
    public static delegate* unmanaged<nint, nuint*, nint> GetValueCount;
    /// <summary>[82] St* CreateValue(const OrtValue* const* in, size_t num_values, ONNXType value_type, OrtValue** out)</summary>
    public static delegate* unmanaged<nint*, nuint, int, nint*, nint> CreateValue;
    /// <summary>[96] void ReleaseValue(OrtValue*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseValue;
    /// <summary>[127] St* GetStringTensorElementLength(const OrtValue* value, size_t index, size_t* out)</summary>
    public static delegate* unmanaged<nint, nuint, nuint*, nint> GetStringTensorElementLength;
    /// <summary>[128] St* GetStringTensorElement(const OrtValue* value, size_t s_len, size_t index, void* s)</summary>
    public static delegate* unmanaged<nint, nuint, nuint, void*, nint> GetStringTensorElement;
    /// <summary>[192] St* HasValue(const OrtValue* value, int* out)</summary>
    public static delegate* unmanaged<nint, int*, nint> HasValue;
    /// <summary>[414] St* GetTensorElementTypeAndShapeDataReference(const OrtValue* value, ONNXTensorElementDataType* elem_type, const int64_t** shape_data, size_t* shape_data_count) — the shape array is the value's own (no allocation).</summary>
    public static delegate* unmanaged<nint, int*, long**, nuint*, nint> GetTensorElementTypeAndShapeDataReference;

    // --- Memory info and allocator ---
    /// <summary>[69] St* CreateCpuMemoryInfo(OrtAllocatorType type, OrtMemType mem_type, OrtMemoryInfo** out)</summary>
    public static delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo;
    /// <summary>[94] void ReleaseMemoryInfo(OrtMemoryInfo*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseMemoryInfo;
    /// <summary>[76] St* AllocatorFree(OrtAllocator* ort_allocator, void* p)</summary>
    public static delegate* unmanaged<nint, void*, nint> AllocatorFree;
    /// <summary>[78] St* GetAllocatorWithDefaultOptions(OrtAllocator** out) — a process singleton, never released.</summary>
    public static delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions;

    // --- Run options ---
    /// <summary>[39] St* CreateRunOptions(OrtRunOptions** out)</summary>
    public static delegate* unmanaged<nint*, nint> CreateRunOptions;
    /// <summary>[97] void ReleaseRunOptions(OrtRunOptions*)</summary>
    public static delegate* unmanaged<nint, void> ReleaseRunOptions;
    /// <summary>[46] St* RunOptionsSetTerminate(OrtRunOptions* options)</summary>
    public static delegate* unmanaged<nint, nint> RunOptionsSetTerminate;

    /// <summary>Reads every slot above from the table returned by <c>GetApi(Version)</c>.</summary>
    public static void Load(nint* table)
    {
        GetErrorCode = (delegate* unmanaged<nint, int>)table[1];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[2];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[93];

        CreateEnvWithCustomLoggerAndGlobalThreadPools = (delegate* unmanaged<nint, nint, int, byte*, nint, nint*, nint>)table[151];
        CreateThreadingOptions = (delegate* unmanaged<nint*, nint>)table[121];
        ReleaseThreadingOptions = (delegate* unmanaged<nint, void>)table[122];
        SetGlobalIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[147];
        SetGlobalInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[148];
        SetGlobalSpinControl = (delegate* unmanaged<nint, int, nint>)table[149];
        GetAvailableProviders = (delegate* unmanaged<byte***, int*, nint>)table[125];
        ReleaseAvailableProviders = (delegate* unmanaged<byte**, int, nint>)table[126];
        GetExecutionProviderApi = (delegate* unmanaged<byte*, uint, nint*, nint>)table[195];
        GetBuildInfoString = (delegate* unmanaged<byte*>)table[254];

        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[10];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[100];
        SetSessionExecutionMode = (delegate* unmanaged<nint, int, nint>)table[13];
        EnableMemPattern = (delegate* unmanaged<nint, nint>)table[16];
        DisableMemPattern = (delegate* unmanaged<nint, nint>)table[17];
        DisableCpuMemArena = (delegate* unmanaged<nint, nint>)table[19];
        SetSessionLogId = (delegate* unmanaged<nint, byte*, nint>)table[20];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[23];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[24];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[25];
        DisablePerSessionThreads = (delegate* unmanaged<nint, nint>)table[120];
        AddFreeDimensionOverrideByName = (delegate* unmanaged<nint, byte*, long, nint>)table[124];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)table[130];
        SessionOptionsAppendExecutionProvider = (delegate* unmanaged<nint, byte*, byte**, byte**, nuint, nint>)table[216];
        SessionOptionsAppendExecutionProvider_CUDA_V2 = (delegate* unmanaged<nint, nint, nint>)table[204];
        CreateCUDAProviderOptions = (delegate* unmanaged<nint*, nint>)table[205];
        UpdateCUDAProviderOptions = (delegate* unmanaged<nint, byte**, byte**, nuint, nint>)table[206];
        ReleaseCUDAProviderOptions = (delegate* unmanaged<nint, void>)table[208];

        CreateSession = (delegate* unmanaged<nint, void*, nint, nint*, nint>)table[7];
        CreateSessionFromArray = (delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[8];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[95];
        Run = (delegate* unmanaged<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)table[9];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[30];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[31];
        SessionGetInputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[33];
        SessionGetOutputTypeInfo = (delegate* unmanaged<nint, nuint, nint*, nint>)table[34];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[36];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[37];
        SessionGetModelMetadata = (delegate* unmanaged<nint, nint*, nint>)table[111];

        ModelMetadataGetProducerName = (delegate* unmanaged<nint, nint, byte**, nint>)table[112];
        ModelMetadataGetGraphName = (delegate* unmanaged<nint, nint, byte**, nint>)table[113];
        ModelMetadataGetDomain = (delegate* unmanaged<nint, nint, byte**, nint>)table[114];
        ModelMetadataGetDescription = (delegate* unmanaged<nint, nint, byte**, nint>)table[115];
        ModelMetadataLookupCustomMetadataMap = (delegate* unmanaged<nint, nint, byte*, byte**, nint>)table[116];
        ModelMetadataGetVersion = (delegate* unmanaged<nint, long*, nint>)table[117];
        ReleaseModelMetadata = (delegate* unmanaged<nint, void>)table[118];
        ModelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged<nint, nint, byte***, long*, nint>)table[123];
        ModelMetadataGetGraphDescription = (delegate* unmanaged<nint, nint, byte**, nint>)table[158];

        CastTypeInfoToTensorInfo = (delegate* unmanaged<nint, nint*, nint>)table[55];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<nint, int*, nint>)table[56];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)table[60];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[61];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[62];
        GetSymbolicDimensions = (delegate* unmanaged<nint, byte**, nuint, nint>)table[63];
        ReleaseTypeInfo = (delegate* unmanaged<nint, void>)table[98];

        CreateTensorAsOrtValue = (delegate* unmanaged<nint, long*, nuint, int, nint*, nint>)table[48];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[51];
        FillStringTensor = (delegate* unmanaged<nint, byte**, nuint, nint>)table[52];
        GetValueType = (delegate* unmanaged<nint, int*, nint>)table[67];
        GetValue = (delegate* unmanaged<nint, int, nint, nint*, nint>)table[80];
        GetValueCount = (delegate* unmanaged<nint, nuint*, nint>)table[81];
        CreateValue = (delegate* unmanaged<nint*, nuint, int, nint*, nint>)table[82];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[96];
        GetStringTensorElementLength = (delegate* unmanaged<nint, nuint, nuint*, nint>)table[127];
        GetStringTensorElement = (delegate* unmanaged<nint, nuint, nuint, void*, nint>)table[128];
        HasValue = (delegate* unmanaged<nint, int*, nint>)table[192];
        GetTensorElementTypeAndShapeDataReference = (delegate* unmanaged<nint, int*, long**, nuint*, nint>)table[414];

        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[69];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[94];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[78];

        CreateRunOptions = (delegate* unmanaged<nint*, nint>)table[39];
        ReleaseRunOptions = (delegate* unmanaged<nint, void>)table[97];
        RunOptionsSetTerminate = (delegate* unmanaged<nint, nint>)table[46];
    }
}
