/*
 * fault_plugin.c - one trivial Chorus native plugin (chorus_plugin.h, ABI version 1), built as several shared libraries
 * that each break one rule, for the host's tests (see README.md). Exactly one FAULT_* macro is defined per library:
 *
 *   FAULT_OK                  works: 3 labels "a","b","c", input [-1, 2], fixed probabilities 0.2, 0.3, 0.5 per sample
 *   FAULT_MISSING_SYMBOL      as FAULT_OK but does not export chorus_plugin_run
 *   FAULT_ABI_MISMATCH        chorus_plugin_abi_version() (and the descriptor) say 99
 *   FAULT_CREATE_FAILS        create returns CHORUS_ERROR_FAILED; last_error(NULL) = "cannot open the model file: fault injected"
 *   FAULT_RUN_ERROR           run returns CHORUS_ERROR_FAILED; last_error(instance) = "run failed: fault injected"
 *   FAULT_WRONG_OUTPUT_SIZE   run writes and reports batch * 3 - 1 floats and returns CHORUS_OK
 *
 * FAULT_ID is the descriptor id, e.g. "fault-ok" (the plugin.json "id" must equal it).
 */
#include "chorus_plugin.h"

#include <stdio.h>
#include <stdlib.h>

#if !defined(FAULT_ID)
#error "define FAULT_ID and one FAULT_* variant"
#endif
#if defined(FAULT_OK) + defined(FAULT_MISSING_SYMBOL) + defined(FAULT_ABI_MISMATCH) + defined(FAULT_CREATE_FAILS) + \
        defined(FAULT_RUN_ERROR) + defined(FAULT_WRONG_OUTPUT_SIZE) != 1
#error "define exactly one FAULT_* variant"
#endif

#if defined(_MSC_VER)
#define FAULT_THREAD_LOCAL __declspec(thread)
#else
#define FAULT_THREAD_LOCAL _Thread_local
#endif

#if defined(FAULT_ABI_MISMATCH)
#define FAULT_ABI 99u
#else
#define FAULT_ABI CHORUS_PLUGIN_ABI_VERSION
#endif

enum
{
    FAULT_LABELS = 3,
    FAULT_INPUTS = 2
};

static const int64_t k_input_shape[2] = {-1, FAULT_INPUTS};
static const int64_t k_output_shape[2] = {-1, FAULT_LABELS};
static const chorus_tensor_spec k_inputs[1] = {{"x", CHORUS_ELEMENT_FLOAT32, 2, k_input_shape}};
static const chorus_tensor_spec k_outputs[1] = {{"probabilities", CHORUS_ELEMENT_FLOAT32, 2, k_output_shape}};
static const char* const k_labels[FAULT_LABELS] = {"a", "b", "c"};

static const chorus_plugin_descriptor k_descriptor = {
    FAULT_ABI, FAULT_ID, "1.0.0", "classification", FAULT_LABELS, k_labels, 1, k_inputs, 1, k_outputs,
};

/* The instance is immutable. Error texts are per thread (the host reads them on the thread that got the error code),
 * so concurrent runs need no lock; the instance only proves it was created. */
struct chorus_instance
{
    int created;
};

static FAULT_THREAD_LOCAL char tls_create_error[256];
static FAULT_THREAD_LOCAL char tls_run_error[256];

uint32_t chorus_plugin_abi_version(void) { return FAULT_ABI; }

const chorus_plugin_descriptor* chorus_plugin_describe(void) { return &k_descriptor; }

int32_t chorus_plugin_create(const char* config_json, const char* plugin_dir, chorus_instance** out)
{
    if (out == NULL || config_json == NULL || plugin_dir == NULL)
    {
        snprintf(tls_create_error, sizeof tls_create_error, "%s is NULL",
                 out == NULL ? "out" : config_json == NULL ? "config_json" : "plugin_dir");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    *out = NULL;
#if defined(FAULT_CREATE_FAILS)
    snprintf(tls_create_error, sizeof tls_create_error, "cannot open the model file: fault injected");
    return CHORUS_ERROR_FAILED;
#else
    chorus_instance* instance = (chorus_instance*)calloc(1, sizeof *instance);
    if (instance == NULL)
    {
        snprintf(tls_create_error, sizeof tls_create_error, "out of memory");
        return CHORUS_ERROR_FAILED;
    }
    instance->created = 1;
    *out = instance;
    return CHORUS_OK;
#endif
}

#if !defined(FAULT_MISSING_SYMBOL)
int32_t chorus_plugin_run(chorus_instance* instance, const float* input, int64_t batch, int64_t input_count,
                          float* output, int64_t output_capacity, int64_t* output_written)
{
    if (output_written != NULL)
        *output_written = 0;
    if (instance == NULL)
    {
        snprintf(tls_create_error, sizeof tls_create_error, "instance is NULL");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (input == NULL || output == NULL || output_written == NULL)
    {
        snprintf(tls_run_error, sizeof tls_run_error, "%s is NULL",
                 input == NULL ? "input" : output == NULL ? "output" : "output_written");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (batch < 1 || batch > INT64_MAX / FAULT_LABELS)
    {
        snprintf(tls_run_error, sizeof tls_run_error, "batch is %lld; it must be at least 1", (long long)batch);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (input_count != batch * FAULT_INPUTS)
    {
        snprintf(tls_run_error, sizeof tls_run_error, "input_count is %lld but a batch of %lld needs %lld floats",
                 (long long)input_count, (long long)batch, (long long)(batch * FAULT_INPUTS));
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (output_capacity < batch * FAULT_LABELS)
    {
        snprintf(tls_run_error, sizeof tls_run_error, "output_capacity is %lld but a batch of %lld needs %lld floats",
                 (long long)output_capacity, (long long)batch, (long long)(batch * FAULT_LABELS));
        return CHORUS_ERROR_BUFFER_TOO_SMALL;
    }
#if defined(FAULT_RUN_ERROR)
    snprintf(tls_run_error, sizeof tls_run_error, "run failed: fault injected");
    return CHORUS_ERROR_FAILED;
#else
#if defined(FAULT_WRONG_OUTPUT_SIZE)
    const int64_t count = batch * FAULT_LABELS - 1;
#else
    const int64_t count = batch * FAULT_LABELS;
#endif
    static const float k_scores[FAULT_LABELS] = {0.2f, 0.3f, 0.5f};
    for (int64_t i = 0; i < count; i++)
        output[i] = k_scores[i % FAULT_LABELS];
    *output_written = count;
    return CHORUS_OK;
#endif
}
#endif

const char* chorus_plugin_last_error(const chorus_instance* instance)
{
    if (instance == NULL)
        return tls_create_error;
#if defined(FAULT_RUN_ERROR)
    /* Also on a thread that has not run: every valid run of this variant fails with this text. */
    if (tls_run_error[0] == '\0')
        return "run failed: fault injected";
#endif
    return tls_run_error;
}

void chorus_plugin_destroy(chorus_instance* instance) { free(instance); }
