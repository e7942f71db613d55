/*
 * chorus_plugin.h - the C ABI of Chorus native plugins (ABI version 1).
 *
 * A native plugin is a shared library (libNAME.so, NAME.dll, libNAME.dylib) in a plugin folder whose plugin.json says
 * "runtime": "native" and "library": "NAME". The host loads it, checks chorus_plugin_abi_version(), reads the
 * descriptor, creates an instance from a configuration, and calls chorus_plugin_run() from any thread.
 *
 * Ownership: everything the plugin returns (descriptor, strings, error text) stays owned by the plugin; the host copies
 * what it keeps. Buffers passed to chorus_plugin_run() are owned by the host and valid only during the call.
 * Threading: chorus_plugin_run() may be called concurrently on one instance; a plugin that cannot allow that must lock.
 * Errors: functions return CHORUS_OK (0) or an error code; the text of the last error of an instance is
 * chorus_plugin_last_error(instance), of a failed chorus_plugin_create() chorus_plugin_last_error(NULL). The host reads it
 * on the thread that got the code, right after the call; the pointer must stay valid until that thread's next call into
 * the plugin. On failure, *out is set to NULL and *output_written to 0. chorus_plugin_destroy(NULL) does nothing.
 * Calling convention: the platform's C convention (cdecl); 32-bit Windows is not supported.
 * Outputs: classification writes label_count scores per sample; regression writes label_count values per sample (the
 * labels name the values).
 */
#ifndef CHORUS_PLUGIN_H
#define CHORUS_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define CHORUS_EXPORT __declspec(dllexport)
#else
#define CHORUS_EXPORT __attribute__((visibility("default")))
#endif

#define CHORUS_PLUGIN_ABI_VERSION 1u

/* Return codes. */
#define CHORUS_OK 0
#define CHORUS_ERROR_INVALID_ARGUMENT 1 /* bad pointer, batch, count or configuration */
#define CHORUS_ERROR_BUFFER_TOO_SMALL 2 /* output_capacity < what the run must write */
#define CHORUS_ERROR_FAILED 3           /* anything else; see chorus_plugin_last_error */

/* Element types use ONNX's TensorProto.DataType numbers; ABI version 1 exchanges float32 (1) only. */
#define CHORUS_ELEMENT_FLOAT32 1

typedef struct chorus_tensor_spec {
    const char* name;
    int32_t element_type; /* CHORUS_ELEMENT_FLOAT32 */
    int32_t rank;
    const int64_t* shape; /* rank entries; -1 marks the batch dimension */
} chorus_tensor_spec;

typedef struct chorus_plugin_descriptor {
    uint32_t abi_version; /* CHORUS_PLUGIN_ABI_VERSION the plugin was built against */
    const char* id;       /* must equal plugin.json "id" */
    const char* version;
    const char* task;     /* "classification" or "regression" */
    int32_t label_count;
    const char* const* labels; /* label_count names: the order of the output columns */
    int32_t input_count;
    const chorus_tensor_spec* inputs;
    int32_t output_count;
    const chorus_tensor_spec* outputs;
} chorus_plugin_descriptor;

typedef struct chorus_instance chorus_instance;

/* Required exports. */
CHORUS_EXPORT uint32_t chorus_plugin_abi_version(void);
CHORUS_EXPORT const chorus_plugin_descriptor* chorus_plugin_describe(void);

/* Creates an instance. config_json: the "config" object of plugin.json as JSON text ("{}" when absent);
 * plugin_dir: the plugin folder (UTF-8), for data files. Returns CHORUS_OK and *out, or an error code (see last_error(NULL)). */
CHORUS_EXPORT int32_t chorus_plugin_create(const char* config_json, const char* plugin_dir, chorus_instance** out);

/* Runs a batch: input holds batch * (elements per sample of inputs[0]) floats, raw samples (the plugin preprocesses);
 * writes batch * label_count scores (one row per sample) into output and sets *output_written to the count written. */
CHORUS_EXPORT int32_t chorus_plugin_run(chorus_instance* instance, const float* input, int64_t batch, int64_t input_count,
                                        float* output, int64_t output_capacity, int64_t* output_written);

/* The text of the instance's last error (NULL instance: the calling thread's last create error). Never NULL. */
CHORUS_EXPORT const char* chorus_plugin_last_error(const chorus_instance* instance);

CHORUS_EXPORT void chorus_plugin_destroy(chorus_instance* instance);

/* Optional streaming exports (all three or none): state per stream; two streams never share it. count is in samples of
 * inputs[0]'s per-sample size; the plugin writes label_count values per frame it completes and reports how many it wrote.
 * Version 1 hosts do not call them yet. */
typedef struct chorus_stream chorus_stream;
CHORUS_EXPORT int32_t chorus_plugin_stream_open(chorus_instance* instance, chorus_stream** out);
CHORUS_EXPORT int32_t chorus_plugin_stream_push(chorus_stream* stream, const float* samples, int64_t count,
                                                float* output, int64_t output_capacity, int64_t* output_written);
CHORUS_EXPORT void chorus_plugin_stream_close(chorus_stream* stream);

#ifdef __cplusplus
}
#endif

#endif /* CHORUS_PLUGIN_H */
