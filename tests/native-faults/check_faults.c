/*
 * check_faults.c - checks that each fault library breaks exactly the rule README.md says, loading it as the host does
 * (dlopen/LoadLibrary, then the exports by name). Run by CTest:  check_faults VARIANT LIBRARY
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "chorus_plugin.h"

#include <stdio.h>
#include <string.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
typedef HMODULE library_handle;
static library_handle open_library(const char* path) { return LoadLibraryA(path); }
static void* find(library_handle library, const char* name) { return (void*)GetProcAddress(library, name); }
#else
#include <dlfcn.h>
typedef void* library_handle;
static library_handle open_library(const char* path) { return dlopen(path, RTLD_NOW | RTLD_LOCAL); }
static void* find(library_handle library, const char* name) { return dlsym(library, name); }
#endif

typedef uint32_t (*abi_fn)(void);
typedef const chorus_plugin_descriptor* (*describe_fn)(void);
typedef int32_t (*create_fn)(const char*, const char*, chorus_instance**);
typedef int32_t (*run_fn)(chorus_instance*, const float*, int64_t, int64_t, float*, int64_t, int64_t*);
typedef const char* (*last_error_fn)(const chorus_instance*);
typedef void (*destroy_fn)(chorus_instance*);

static int s_failures;
#define CHECK(condition, ...)                                                                                          \
    do                                                                                                                 \
    {                                                                                                                  \
        if (!(condition))                                                                                              \
        {                                                                                                              \
            s_failures++;                                                                                              \
            fprintf(stderr, "CHECK(%s) failed: ", #condition);                                                         \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
        }                                                                                                              \
    } while (0)

int main(int argc, char** argv)
{
    if (argc != 3)
    {
        fprintf(stderr, "usage: %s VARIANT LIBRARY\n", argv[0]);
        return 2;
    }
    const char* variant = argv[1];
    library_handle library = open_library(argv[2]);
    if (library == NULL)
    {
        fprintf(stderr, "cannot load %s\n", argv[2]);
        return 1;
    }
    abi_fn abi = (abi_fn)find(library, "chorus_plugin_abi_version");
    describe_fn describe = (describe_fn)find(library, "chorus_plugin_describe");
    create_fn create = (create_fn)find(library, "chorus_plugin_create");
    run_fn run = (run_fn)find(library, "chorus_plugin_run");
    last_error_fn last_error = (last_error_fn)find(library, "chorus_plugin_last_error");
    destroy_fn destroy = (destroy_fn)find(library, "chorus_plugin_destroy");
    CHECK(abi && describe && create && last_error && destroy, "%s: a required export other than run is missing", variant);
    if (!(abi && describe && create && last_error && destroy))
        return 1;

    int is = 0;
#define IS(name) (strcmp(variant, name) == 0 && (is = 1))
    char id[64];
    snprintf(id, sizeof id, "fault-%s", variant);
    for (char* p = id; *p; p++)
        if (*p == '_')
            *p = '-';
    const chorus_plugin_descriptor* d = describe();
    CHECK(strcmp(d->id, id) == 0, "descriptor id '%s', want '%s'", d->id, id);
    CHECK(d->label_count == 3 && strcmp(d->labels[0], "a") == 0 && strcmp(d->labels[2], "c") == 0, "labels");
    CHECK(d->input_count == 1 && d->inputs[0].rank == 2 && d->inputs[0].shape[1] == 2, "input [-1, 2]");

    if (IS("abi_mismatch"))
    {
        CHECK(abi() == 99u && d->abi_version == 99u, "abi %u / %u", (unsigned)abi(), (unsigned)d->abi_version);
        return s_failures != 0;
    }
    CHECK(abi() == CHORUS_PLUGIN_ABI_VERSION && d->abi_version == CHORUS_PLUGIN_ABI_VERSION, "abi %u", (unsigned)abi());
    if (IS("missing_symbol"))
    {
        CHECK(run == NULL, "chorus_plugin_run is exported");
        return s_failures != 0;
    }
    CHECK(run != NULL, "chorus_plugin_run is missing");

    chorus_instance* instance = (chorus_instance*)&s_failures;
    int32_t rc = create("{}", ".", &instance);
    if (IS("create_fails"))
    {
        CHECK(rc == CHORUS_ERROR_FAILED && instance == NULL, "create returned %d", (int)rc);
        CHECK(strcmp(last_error(NULL), "cannot open the model file: fault injected") == 0, "'%s'", last_error(NULL));
        return s_failures != 0;
    }
    CHECK(rc == CHORUS_OK && instance != NULL, "create returned %d: %s", (int)rc, last_error(NULL));
    if (rc != CHORUS_OK)
        return 1;

    float input[4] = {1, 2, 3, 4};
    float output[7] = {-1, -1, -1, -1, -1, -1, -1};
    int64_t written = -1;
    rc = run(instance, input, 2, 4, output, 7, &written);
    if (IS("run_error"))
    {
        CHECK(rc == CHORUS_ERROR_FAILED && written == 0, "run returned %d, wrote %lld", (int)rc, (long long)written);
        CHECK(strcmp(last_error(instance), "run failed: fault injected") == 0, "'%s'", last_error(instance));
    }
    else if (IS("wrong_output_size"))
    {
        CHECK(rc == CHORUS_OK && written == 5, "run returned %d, wrote %lld (want 2 * 3 - 1)", (int)rc, (long long)written);
        CHECK(output[5] == -1.0f, "wrote beyond output_written");
    }
    else if (IS("ok"))
    {
        CHECK(rc == CHORUS_OK && written == 6, "run returned %d, wrote %lld", (int)rc, (long long)written);
        CHECK(output[0] == 0.2f && output[1] == 0.3f && output[2] == 0.5f && output[5] == 0.5f && output[6] == -1.0f,
              "scores %g %g %g", output[0], output[1], output[2]);
        rc = run(instance, input, 2, 3, output, 7, &written);
        CHECK(rc == CHORUS_ERROR_INVALID_ARGUMENT && strcmp(last_error(instance), "input_count is 3 but a batch of 2 needs 4 floats") == 0,
              "%d '%s'", (int)rc, last_error(instance));
        rc = run(instance, input, 2, 4, output, 5, &written);
        CHECK(rc == CHORUS_ERROR_BUFFER_TOO_SMALL, "%d '%s'", (int)rc, last_error(instance));
    }
    CHECK(is, "unknown variant '%s'", variant);
    destroy(instance);
    return s_failures != 0;
}
