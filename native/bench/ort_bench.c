/*
 * ort_bench: the speed floor for the Chorus binding.
 *
 * Runs one ONNX model through ONNX Runtime by calling the C API directly, doing per
 * iteration exactly what a binding user does per request (wrap input buffers in
 * OrtValues, Run with ORT-allocated outputs, touch output 0, release everything),
 * and prints one JSON line with latency statistics.
 *
 * This file deliberately does NOT include onnxruntime_c_api.h. It declares its own
 * opaque types and the function-pointer type of each OrtApi slot it uses, and reads
 * the slots by index from the table returned by OrtApiBase::GetApi(29). Slot indices
 * and signatures were taken from the ORT C API header 1.29 (ORT_API_VERSION 29); the
 * OrtApi table is append-only, so these slots are stable in every later runtime.
 *
 * Linux/POSIX only (dlopen, clock_gettime).
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------- */
/* Minimal, self-written declarations of the parts of the ORT C API we use.  */
/* ------------------------------------------------------------------------- */

#define CHORUS_ORT_API_VERSION 29u

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtThreadingOptions OrtThreadingOptions;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtSession OrtSession;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;

typedef struct OrtApiBase {
    const void* (*GetApi)(uint32_t version);
    const char* (*GetVersionString)(void);
} OrtApiBase;

typedef const OrtApiBase* (*OrtGetApiBase_fn)(void);

/* Enum values (C enums are int-sized on every supported ABI). */
enum {
    BENCH_ORT_LOGGING_LEVEL_WARNING = 2,       /* OrtLoggingLevel::ORT_LOGGING_LEVEL_WARNING */
    BENCH_ORT_ENABLE_ALL = 99,                 /* GraphOptimizationLevel::ORT_ENABLE_ALL */
    BENCH_ORT_DEVICE_ALLOCATOR = 0,            /* OrtAllocatorType::OrtDeviceAllocator */
    BENCH_ORT_MEM_TYPE_DEFAULT = 0,            /* OrtMemType::OrtMemTypeDefault */
    BENCH_ELEMENT_TYPE_FLOAT = 1               /* ONNXTensorElementDataType FLOAT */
};

/* Slot indices into the OrtApi function table, with the C signature of each.
 * Source: ORT C API header 1.29 / API 29. */

/* 1: OrtErrorCode GetErrorCode(const OrtStatus* status) */
#define SLOT_GetErrorCode 1
typedef int (*GetErrorCode_fn)(const OrtStatus*);
/* 2: const char* GetErrorMessage(const OrtStatus* status) */
#define SLOT_GetErrorMessage 2
typedef const char* (*GetErrorMessage_fn)(const OrtStatus*);
/* 7: OrtStatus* CreateSession(const OrtEnv* env, const ORTCHAR_T* model_path,
 *                             const OrtSessionOptions* options, OrtSession** out)   (ORTCHAR_T = char on Linux) */
#define SLOT_CreateSession 7
typedef OrtStatus* (*CreateSession_fn)(const OrtEnv*, const char*, const OrtSessionOptions*, OrtSession**);
/* 9: OrtStatus* Run(OrtSession* session, const OrtRunOptions* run_options,
 *                   const char* const* input_names, const OrtValue* const* inputs, size_t input_len,
 *                   const char* const* output_names, size_t output_names_len, OrtValue** outputs) */
#define SLOT_Run 9
typedef OrtStatus* (*Run_fn)(OrtSession*, const OrtRunOptions*, const char* const*, const OrtValue* const*, size_t,
                             const char* const*, size_t, OrtValue**);
/* 10: OrtStatus* CreateSessionOptions(OrtSessionOptions** options) */
#define SLOT_CreateSessionOptions 10
typedef OrtStatus* (*CreateSessionOptions_fn)(OrtSessionOptions**);
/* 23: OrtStatus* SetSessionGraphOptimizationLevel(OrtSessionOptions* options, GraphOptimizationLevel level) */
#define SLOT_SetSessionGraphOptimizationLevel 23
typedef OrtStatus* (*SetSessionGraphOptimizationLevel_fn)(OrtSessionOptions*, int);
/* 30: OrtStatus* SessionGetInputCount(const OrtSession* session, size_t* out) */
#define SLOT_SessionGetInputCount 30
typedef OrtStatus* (*SessionGetInputCount_fn)(const OrtSession*, size_t*);
/* 31: OrtStatus* SessionGetOutputCount(const OrtSession* session, size_t* out) */
#define SLOT_SessionGetOutputCount 31
typedef OrtStatus* (*SessionGetOutputCount_fn)(const OrtSession*, size_t*);
/* 33: OrtStatus* SessionGetInputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info) */
#define SLOT_SessionGetInputTypeInfo 33
typedef OrtStatus* (*SessionGetInputTypeInfo_fn)(const OrtSession*, size_t, OrtTypeInfo**);
/* 34: OrtStatus* SessionGetOutputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info) */
#define SLOT_SessionGetOutputTypeInfo 34
typedef OrtStatus* (*SessionGetOutputTypeInfo_fn)(const OrtSession*, size_t, OrtTypeInfo**);
/* 36: OrtStatus* SessionGetInputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value) */
#define SLOT_SessionGetInputName 36
typedef OrtStatus* (*SessionGetInputName_fn)(const OrtSession*, size_t, OrtAllocator*, char**);
/* 37: OrtStatus* SessionGetOutputName(const OrtSession* session, size_t index, OrtAllocator* allocator, char** value) */
#define SLOT_SessionGetOutputName 37
typedef OrtStatus* (*SessionGetOutputName_fn)(const OrtSession*, size_t, OrtAllocator*, char**);
/* 49: OrtStatus* CreateTensorWithDataAsOrtValue(const OrtMemoryInfo* info, void* p_data, size_t p_data_len,
 *                                               const int64_t* shape, size_t shape_len,
 *                                               ONNXTensorElementDataType type, OrtValue** out) */
#define SLOT_CreateTensorWithDataAsOrtValue 49
typedef OrtStatus* (*CreateTensorWithDataAsOrtValue_fn)(const OrtMemoryInfo*, void*, size_t, const int64_t*, size_t,
                                                        int, OrtValue**);
/* 51: OrtStatus* GetTensorMutableData(OrtValue* value, void** out) */
#define SLOT_GetTensorMutableData 51
typedef OrtStatus* (*GetTensorMutableData_fn)(OrtValue*, void**);
/* 55: OrtStatus* CastTypeInfoToTensorInfo(const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out)
 *     (out is owned by type_info; may be NULL when the type is not a tensor) */
#define SLOT_CastTypeInfoToTensorInfo 55
typedef OrtStatus* (*CastTypeInfoToTensorInfo_fn)(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo**);
/* 60: OrtStatus* GetTensorElementType(const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out) */
#define SLOT_GetTensorElementType 60
typedef OrtStatus* (*GetTensorElementType_fn)(const OrtTensorTypeAndShapeInfo*, int*);
/* 61: OrtStatus* GetDimensionsCount(const OrtTensorTypeAndShapeInfo* info, size_t* out) */
#define SLOT_GetDimensionsCount 61
typedef OrtStatus* (*GetDimensionsCount_fn)(const OrtTensorTypeAndShapeInfo*, size_t*);
/* 62: OrtStatus* GetDimensions(const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length) */
#define SLOT_GetDimensions 62
typedef OrtStatus* (*GetDimensions_fn)(const OrtTensorTypeAndShapeInfo*, int64_t*, size_t);
/* 69: OrtStatus* CreateCpuMemoryInfo(OrtAllocatorType type, OrtMemType mem_type, OrtMemoryInfo** out) */
#define SLOT_CreateCpuMemoryInfo 69
typedef OrtStatus* (*CreateCpuMemoryInfo_fn)(int, int, OrtMemoryInfo**);
/* 76: OrtStatus* AllocatorFree(OrtAllocator* ort_allocator, void* p) */
#define SLOT_AllocatorFree 76
typedef OrtStatus* (*AllocatorFree_fn)(OrtAllocator*, void*);
/* 78: OrtStatus* GetAllocatorWithDefaultOptions(OrtAllocator** out)   (out is not to be freed) */
#define SLOT_GetAllocatorWithDefaultOptions 78
typedef OrtStatus* (*GetAllocatorWithDefaultOptions_fn)(OrtAllocator**);
/* 92: void ReleaseEnv(OrtEnv* input) */
#define SLOT_ReleaseEnv 92
typedef void (*ReleaseEnv_fn)(OrtEnv*);
/* 93: void ReleaseStatus(OrtStatus* input) */
#define SLOT_ReleaseStatus 93
typedef void (*ReleaseStatus_fn)(OrtStatus*);
/* 94: void ReleaseMemoryInfo(OrtMemoryInfo* input) */
#define SLOT_ReleaseMemoryInfo 94
typedef void (*ReleaseMemoryInfo_fn)(OrtMemoryInfo*);
/* 95: void ReleaseSession(OrtSession* input) */
#define SLOT_ReleaseSession 95
typedef void (*ReleaseSession_fn)(OrtSession*);
/* 96: void ReleaseValue(OrtValue* input) */
#define SLOT_ReleaseValue 96
typedef void (*ReleaseValue_fn)(OrtValue*);
/* 98: void ReleaseTypeInfo(OrtTypeInfo* input) */
#define SLOT_ReleaseTypeInfo 98
typedef void (*ReleaseTypeInfo_fn)(OrtTypeInfo*);
/* 100: void ReleaseSessionOptions(OrtSessionOptions* input) */
#define SLOT_ReleaseSessionOptions 100
typedef void (*ReleaseSessionOptions_fn)(OrtSessionOptions*);
/* 119: OrtStatus* CreateEnvWithGlobalThreadPools(OrtLoggingLevel log_severity_level, const char* logid,
 *                                               const OrtThreadingOptions* tp_options, OrtEnv** out) */
#define SLOT_CreateEnvWithGlobalThreadPools 119
typedef OrtStatus* (*CreateEnvWithGlobalThreadPools_fn)(int, const char*, const OrtThreadingOptions*, OrtEnv**);
/* 120: OrtStatus* DisablePerSessionThreads(OrtSessionOptions* options) */
#define SLOT_DisablePerSessionThreads 120
typedef OrtStatus* (*DisablePerSessionThreads_fn)(OrtSessionOptions*);
/* 121: OrtStatus* CreateThreadingOptions(OrtThreadingOptions** out) */
#define SLOT_CreateThreadingOptions 121
typedef OrtStatus* (*CreateThreadingOptions_fn)(OrtThreadingOptions**);
/* 122: void ReleaseThreadingOptions(OrtThreadingOptions* input) */
#define SLOT_ReleaseThreadingOptions 122
typedef void (*ReleaseThreadingOptions_fn)(OrtThreadingOptions*);
/* 147: OrtStatus* SetGlobalIntraOpNumThreads(OrtThreadingOptions* tp_options, int intra_op_num_threads) */
#define SLOT_SetGlobalIntraOpNumThreads 147
typedef OrtStatus* (*SetGlobalIntraOpNumThreads_fn)(OrtThreadingOptions*, int);
/* 148: OrtStatus* SetGlobalInterOpNumThreads(OrtThreadingOptions* tp_options, int inter_op_num_threads) */
#define SLOT_SetGlobalInterOpNumThreads 148
typedef OrtStatus* (*SetGlobalInterOpNumThreads_fn)(OrtThreadingOptions*, int);
/* 149: OrtStatus* SetGlobalSpinControl(OrtThreadingOptions* tp_options, int allow_spinning) */
#define SLOT_SetGlobalSpinControl 149
typedef OrtStatus* (*SetGlobalSpinControl_fn)(OrtThreadingOptions*, int);

/* The OrtApi struct is a sequence of function pointers; read it as an array of
 * generic function pointers and cast each slot to its real type. */
typedef void (*GenericFn)(void);
static const GenericFn* g_api;

#define ORT(name) ((name##_fn)g_api[SLOT_##name])

/* ------------------------------------------------------------------------- */

static void die(const char* fmt, const char* arg)
{
    fprintf(stderr, "ort_bench: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void check(OrtStatus* status, const char* what)
{
    if (status == NULL)
        return;
    fprintf(stderr, "ort_bench: %s failed (OrtErrorCode %d): %s\n", what, ORT(GetErrorCode)(status),
            ORT(GetErrorMessage)(status));
    ORT(ReleaseStatus)(status);
    exit(1);
}

#define CHECK(call) check((call), #call)

static void* xcalloc(size_t n, size_t size)
{
    void* p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        die("%s", "out of memory");
    return p;
}

static char* xstrdup(const char* s)
{
    char* p = strdup(s);
    if (p == NULL)
        die("%s", "out of memory");
    return p;
}

static long parse_long(const char* flag, const char* value, long min)
{
    char* end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < min) {
        fprintf(stderr, "ort_bench: invalid value for %s: '%s' (integer >= %ld expected)\n", flag, value, min);
        exit(2);
    }
    return v;
}

static void usage(FILE* f)
{
    fprintf(f,
            "usage: ort_bench --lib PATH --model PATH [--batch N] [--threads T] [--iterations I] [--warmup W]\n"
            "  --lib PATH        path to libonnxruntime.so(.1)\n"
            "  --model PATH      ONNX model; every input must be float32\n"
            "  --batch N         value substituted for every dynamic (-1) input dim (default 1)\n"
            "  --threads T       global intra-op thread count (default 1)\n"
            "  --iterations I    timed iterations (default 1000)\n"
            "  --warmup W        untimed warm-up iterations (default 100)\n");
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double* sorted, size_t n, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static const char* base_name(const char* path)
{
    const char* slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Prints s as a JSON string literal body (escapes quotes, backslashes, control chars). */
static void print_json_string(const char* s)
{
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
}

typedef struct Input {
    char* name;
    int64_t* shape;
    size_t rank;
    float* data;
    size_t count;
} Input;

static volatile float g_sink;

int main(int argc, char** argv)
{
    const char* lib_path = NULL;
    const char* model_path = NULL;
    long batch = 1, threads = 1, iterations = 1000, warmup = 100;

    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "ort_bench: missing value for '%s'\n", a);
            usage(stderr);
            return 2;
        }
        const char* v = argv[++i];
        if (strcmp(a, "--lib") == 0)
            lib_path = v;
        else if (strcmp(a, "--model") == 0)
            model_path = v;
        else if (strcmp(a, "--batch") == 0)
            batch = parse_long(a, v, 1);
        else if (strcmp(a, "--threads") == 0)
            threads = parse_long(a, v, 1);
        else if (strcmp(a, "--iterations") == 0)
            iterations = parse_long(a, v, 1);
        else if (strcmp(a, "--warmup") == 0)
            warmup = parse_long(a, v, 0);
        else {
            fprintf(stderr, "ort_bench: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (lib_path == NULL || model_path == NULL) {
        usage(stderr);
        return 2;
    }
    if (threads > 0x7fffffffL)
        die("%s", "--threads too large");

    /* ---- Load the runtime ---- */
    void* lib = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        die("dlopen failed: %s", dlerror());
    OrtGetApiBase_fn get_api_base;
    {
        void* sym = dlsym(lib, "OrtGetApiBase");
        if (sym == NULL)
            die("dlsym(OrtGetApiBase) failed: %s", dlerror());
        /* POSIX guarantees object pointer <-> function pointer conversion for dlsym. */
        memcpy(&get_api_base, &sym, sizeof get_api_base);
    }
    const OrtApiBase* base = get_api_base();
    if (base == NULL)
        die("%s", "OrtGetApiBase returned NULL");
    const char* version = base->GetVersionString();
    g_api = (const GenericFn*)base->GetApi(CHORUS_ORT_API_VERSION);
    if (g_api == NULL)
        die("runtime %s does not support ORT C API version 29", version);
    fprintf(stderr, "ort_bench: onnxruntime %s, C API 29\n", version);

    /* ---- Environment with global thread pools ---- */
    OrtThreadingOptions* tp = NULL;
    CHECK(ORT(CreateThreadingOptions)(&tp));
    CHECK(ORT(SetGlobalIntraOpNumThreads)(tp, (int)threads));
    CHECK(ORT(SetGlobalInterOpNumThreads)(tp, 1));
    CHECK(ORT(SetGlobalSpinControl)(tp, 0));
    OrtEnv* env = NULL;
    CHECK(ORT(CreateEnvWithGlobalThreadPools)(BENCH_ORT_LOGGING_LEVEL_WARNING, "ort_bench", tp, &env));
    ORT(ReleaseThreadingOptions)(tp);

    /* ---- Session ---- */
    OrtSessionOptions* so = NULL;
    CHECK(ORT(CreateSessionOptions)(&so));
    CHECK(ORT(DisablePerSessionThreads)(so));
    CHECK(ORT(SetSessionGraphOptimizationLevel)(so, BENCH_ORT_ENABLE_ALL));
    OrtSession* session = NULL;
    CHECK(ORT(CreateSession)(env, model_path, so, &session));
    ORT(ReleaseSessionOptions)(so);

    OrtAllocator* allocator = NULL;
    CHECK(ORT(GetAllocatorWithDefaultOptions)(&allocator));

    /* ---- Inputs: names, types, shapes; allocate + fill buffers once ---- */
    size_t n_in = 0;
    CHECK(ORT(SessionGetInputCount)(session, &n_in));
    Input* inputs = (Input*)xcalloc(n_in, sizeof(Input));
    const char** in_names = (const char**)xcalloc(n_in, sizeof(char*));
    for (size_t i = 0; i < n_in; ++i) {
        Input* in = &inputs[i];
        char* name = NULL;
        CHECK(ORT(SessionGetInputName)(session, i, allocator, &name));
        in->name = xstrdup(name);
        CHECK(ORT(AllocatorFree)(allocator, name));
        in_names[i] = in->name;

        OrtTypeInfo* ti = NULL;
        CHECK(ORT(SessionGetInputTypeInfo)(session, i, &ti));
        const OrtTensorTypeAndShapeInfo* tsi = NULL;
        CHECK(ORT(CastTypeInfoToTensorInfo)(ti, &tsi));
        if (tsi == NULL)
            die("input '%s' is not a tensor; only float32 tensor inputs are supported", in->name);
        int elem = 0;
        CHECK(ORT(GetTensorElementType)(tsi, &elem));
        if (elem != BENCH_ELEMENT_TYPE_FLOAT)
            die("input '%s' is not float32; only float32 inputs are supported", in->name);
        CHECK(ORT(GetDimensionsCount)(tsi, &in->rank));
        in->shape = (int64_t*)xcalloc(in->rank, sizeof(int64_t));
        CHECK(ORT(GetDimensions)(tsi, in->shape, in->rank));
        ORT(ReleaseTypeInfo)(ti);

        in->count = 1;
        for (size_t d = 0; d < in->rank; ++d) {
            if (in->shape[d] < 0)
                in->shape[d] = (int64_t)batch;
            in->count *= (size_t)in->shape[d];
        }
        in->data = (float*)xcalloc(in->count, sizeof(float));
        for (size_t k = 0; k < in->count; ++k)
            in->data[k] = (float)((k * 7919u) % 1000u) / 1000.0f - 0.5f;
    }

    /* ---- Outputs: names (and the element type of output 0, for the sink) ---- */
    size_t n_out = 0;
    CHECK(ORT(SessionGetOutputCount)(session, &n_out));
    if (n_out == 0)
        die("%s", "model has no outputs");
    const char** out_names = (const char**)xcalloc(n_out, sizeof(char*));
    for (size_t i = 0; i < n_out; ++i) {
        char* name = NULL;
        CHECK(ORT(SessionGetOutputName)(session, i, allocator, &name));
        out_names[i] = xstrdup(name);
        CHECK(ORT(AllocatorFree)(allocator, name));
    }
    int out0_is_float = 0;
    {
        OrtTypeInfo* ti = NULL;
        CHECK(ORT(SessionGetOutputTypeInfo)(session, 0, &ti));
        const OrtTensorTypeAndShapeInfo* tsi = NULL;
        CHECK(ORT(CastTypeInfoToTensorInfo)(ti, &tsi));
        if (tsi == NULL)
            die("output '%s' is not a tensor", out_names[0]);
        int elem = 0;
        CHECK(ORT(GetTensorElementType)(tsi, &elem));
        out0_is_float = elem == BENCH_ELEMENT_TYPE_FLOAT;
        ORT(ReleaseTypeInfo)(ti);
    }

    OrtMemoryInfo* mem_info = NULL;
    CHECK(ORT(CreateCpuMemoryInfo)(BENCH_ORT_DEVICE_ALLOCATOR, BENCH_ORT_MEM_TYPE_DEFAULT, &mem_info));

    OrtValue** in_values = (OrtValue**)xcalloc(n_in, sizeof(OrtValue*));
    OrtValue** out_values = (OrtValue**)xcalloc(n_out, sizeof(OrtValue*));
    double* samples = (double*)xcalloc((size_t)iterations, sizeof(double));

    /* ---- Benchmark loop: what a binding user does per request ---- */
    const long total = warmup + iterations;
    for (long it = 0; it < total; ++it) {
        const double t0 = now_us();

        for (size_t i = 0; i < n_in; ++i)
            CHECK(ORT(CreateTensorWithDataAsOrtValue)(mem_info, inputs[i].data, inputs[i].count * sizeof(float),
                                                      inputs[i].shape, inputs[i].rank, BENCH_ELEMENT_TYPE_FLOAT,
                                                      &in_values[i]));
        for (size_t i = 0; i < n_out; ++i)
            out_values[i] = NULL; /* NULL: ORT allocates the output */

        CHECK(ORT(Run)(session, NULL, in_names, (const OrtValue* const*)in_values, n_in, out_names, n_out,
                       out_values));

        void* out0 = NULL;
        CHECK(ORT(GetTensorMutableData)(out_values[0], &out0));
        if (out0 != NULL)
            g_sink += out0_is_float ? *(const float*)out0 : (float)*(const unsigned char*)out0;

        for (size_t i = 0; i < n_out; ++i)
            ORT(ReleaseValue)(out_values[i]);
        for (size_t i = 0; i < n_in; ++i)
            ORT(ReleaseValue)(in_values[i]);

        const double t1 = now_us();
        if (it >= warmup)
            samples[it - warmup] = t1 - t0;
    }

    /* ---- Statistics ---- */
    const size_t n = (size_t)iterations;
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i)
        sum += samples[i];
    qsort(samples, n, sizeof(double), cmp_double);

    printf("{\"harness\":\"c\",\"model\":\"");
    print_json_string(base_name(model_path));
    printf("\",\"batch\":%ld,\"threads\":%ld,\"iterations\":%ld,"
           "\"mean_us\":%.3f,\"p50_us\":%.3f,\"p99_us\":%.3f,\"min_us\":%.3f}\n",
           batch, threads, iterations, sum / (double)n, percentile(samples, n, 50.0), percentile(samples, n, 99.0),
           samples[0]);
    fflush(stdout);

    /* ---- Cleanup ---- */
    free(samples);
    free(out_values);
    free(in_values);
    ORT(ReleaseMemoryInfo)(mem_info);
    for (size_t i = 0; i < n_out; ++i)
        free((void*)out_names[i]);
    free(out_names);
    for (size_t i = 0; i < n_in; ++i) {
        free(inputs[i].name);
        free(inputs[i].shape);
        free(inputs[i].data);
    }
    free(in_names);
    free(inputs);
    ORT(ReleaseSession)(session);
    ORT(ReleaseEnv)(env);
    /* The library is intentionally not dlclose'd: ORT does not support unloading. */
    return 0;
}
