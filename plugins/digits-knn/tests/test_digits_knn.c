/*
 * test_digits_knn.c - unit tests of the digits-knn native plugin, run by CTest (one CTest test per case):
 *
 *     test_digits_knn CASE PLUGIN_DIR DATA_DIR LIBRARY SCRATCH_DIR
 *
 * PLUGIN_DIR holds train.bin; DATA_DIR is tests/data/digits (train/validation/test CSV); LIBRARY is the built plugin,
 * opened again with dlopen/LoadLibrary to check its exports as the host sees them; SCRATCH_DIR takes broken training
 * files. Expected numbers are worked by hand from the formula (votes + smoothing) / (k + 10 * smoothing).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "chorus_plugin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <direct.h>
#include <windows.h>
#else
#include <dlfcn.h>
#include <pthread.h>
#include <sys/stat.h>
#endif

enum
{
    PIXELS = 64,
    CLASSES = 10
};

static int s_failures;
static const char* s_plugin_dir;
static const char* s_data_dir;
static const char* s_library;
static const char* s_scratch;

#define CHECK(condition, ...)                                                                                          \
    do                                                                                                                 \
    {                                                                                                                  \
        if (!(condition))                                                                                              \
        {                                                                                                              \
            s_failures++;                                                                                              \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #condition);                              \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fputc('\n', stderr);                                                                                       \
        }                                                                                                              \
    } while (0)

/* ---- helpers ------------------------------------------------------------------------------------------------------ */

typedef struct dataset
{
    int count;
    float* pixels; /* count * 64 */
    int* labels;
} dataset;

static dataset load_csv(const char* name)
{
    char path[1024];
    char line[1024];
    dataset d = {0, NULL, NULL};
    int capacity = 0;
    snprintf(path, sizeof path, "%s/%s", s_data_dir, name);
    FILE* f = fopen(path, "r");
    if (f == NULL)
    {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    if (fgets(line, sizeof line, f) == NULL || strncmp(line, "p0,p1,", 6) != 0)
    {
        fprintf(stderr, "%s: no p0..p63,label header\n", path);
        exit(2);
    }
    while (fgets(line, sizeof line, f) != NULL)
    {
        if (d.count == capacity)
        {
            capacity = capacity ? capacity * 2 : 512;
            d.pixels = (float*)realloc(d.pixels, (size_t)capacity * PIXELS * sizeof(float));
            d.labels = (int*)realloc(d.labels, (size_t)capacity * sizeof(int));
            if (d.pixels == NULL || d.labels == NULL)
                exit(2);
        }
        char* p = line;
        for (int j = 0; j <= PIXELS; j++)
        {
            char* end;
            long value = strtol(p, &end, 10);
            if (end == p || (j < PIXELS && *end != ',') || value < 0 || value > 16)
            {
                fprintf(stderr, "%s: bad row %d\n", path, d.count + 2);
                exit(2);
            }
            if (j < PIXELS)
                d.pixels[(size_t)d.count * PIXELS + (size_t)j] = (float)value;
            else
                d.labels[d.count] = (int)value;
            p = end + 1;
        }
        d.count++;
    }
    fclose(f);
    return d;
}

static void free_dataset(dataset* d)
{
    free(d->pixels);
    free(d->labels);
}

static chorus_instance* create_or_die(const char* config)
{
    chorus_instance* instance = NULL;
    int32_t rc = chorus_plugin_create(config, s_plugin_dir, &instance);
    if (rc != CHORUS_OK || instance == NULL)
    {
        fprintf(stderr, "create(%s) failed with %d: %s\n", config, (int)rc, chorus_plugin_last_error(NULL));
        exit(1);
    }
    return instance;
}

static int argmax(const float* row)
{
    int best = 0;
    for (int c = 1; c < CLASSES; c++)
        if (row[c] > row[best])
            best = c;
    return best;
}

static float* run_all(chorus_instance* instance, const dataset* d)
{
    float* out = (float*)malloc((size_t)d->count * CLASSES * sizeof(float));
    int64_t written = -1;
    int32_t rc = chorus_plugin_run(instance, d->pixels, d->count, (int64_t)d->count * PIXELS, out,
                                   (int64_t)d->count * CLASSES, &written);
    CHECK(rc == CHORUS_OK, "run over %d samples returned %d: %s", d->count, (int)rc, chorus_plugin_last_error(instance));
    CHECK(written == (int64_t)d->count * CLASSES, "output_written %lld", (long long)written);
    return out;
}

static int contains(const char* text, const char* part) { return text != NULL && strstr(text, part) != NULL; }

/* A thread shim: pthreads or Win32 threads. */
typedef void (*thread_body)(void*);
typedef struct thread_start
{
    thread_body body;
    void* arg;
} thread_start;

#if defined(_WIN32)
typedef HANDLE thread_handle;
static DWORD WINAPI win_trampoline(LPVOID p)
{
    thread_start* s = (thread_start*)p;
    s->body(s->arg);
    return 0;
}
static void thread_run(thread_handle* t, thread_start* s) { *t = CreateThread(NULL, 0, win_trampoline, s, 0, NULL); }
static void thread_join(thread_handle t)
{
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
}
static void make_dir(const char* path) { _mkdir(path); }
#else
typedef pthread_t thread_handle;
static void* posix_trampoline(void* p)
{
    thread_start* s = (thread_start*)p;
    s->body(s->arg);
    return NULL;
}
static void thread_run(thread_handle* t, thread_start* s)
{
    if (pthread_create(t, NULL, posix_trampoline, s) != 0)
    {
        fprintf(stderr, "pthread_create failed\n");
        exit(2);
    }
}
static void thread_join(thread_handle t) { pthread_join(t, NULL); }
static void make_dir(const char* path) { mkdir(path, 0755); }
#endif

/* ---- cases -------------------------------------------------------------------------------------------------------- */

static void test_abi(void)
{
    CHECK(chorus_plugin_abi_version() == CHORUS_PLUGIN_ABI_VERSION, "abi_version() = %u",
          (unsigned)chorus_plugin_abi_version());
    CHECK(CHORUS_PLUGIN_ABI_VERSION == 1u, "header ABI version %u", (unsigned)CHORUS_PLUGIN_ABI_VERSION);
    const chorus_plugin_descriptor* d = chorus_plugin_describe();
    CHECK(d != NULL && d->abi_version == 1u, "descriptor abi_version");
}

static void check_spec(const chorus_tensor_spec* spec, const char* name, int64_t width)
{
    CHECK(strcmp(spec->name, name) == 0, "tensor name '%s', want '%s'", spec->name, name);
    CHECK(spec->element_type == CHORUS_ELEMENT_FLOAT32, "%s element type %d", name, (int)spec->element_type);
    CHECK(spec->rank == 2, "%s rank %d", name, (int)spec->rank);
    if (spec->rank == 2)
        CHECK(spec->shape[0] == -1 && spec->shape[1] == width, "%s shape [%lld, %lld]", name,
              (long long)spec->shape[0], (long long)spec->shape[1]);
}

static void test_descriptor(void)
{
    const chorus_plugin_descriptor* d = chorus_plugin_describe();
    CHECK(d == chorus_plugin_describe(), "describe() returns one static descriptor");
    CHECK(strcmp(d->id, "digits-knn") == 0, "id '%s'", d->id);
    CHECK(strcmp(d->version, "1.0.0") == 0, "version '%s'", d->version);
    CHECK(strcmp(d->task, "classification") == 0, "task '%s'", d->task);
    CHECK(d->label_count == 10, "label_count %d", (int)d->label_count);
    for (int c = 0; c < 10 && c < d->label_count; c++)
    {
        char want[2] = {(char)('0' + c), '\0'};
        CHECK(strcmp(d->labels[c], want) == 0, "label %d is '%s'", c, d->labels[c]);
    }
    CHECK(d->input_count == 1, "input_count %d", (int)d->input_count);
    CHECK(d->output_count == 1, "output_count %d", (int)d->output_count);
    check_spec(&d->inputs[0], "pixels", 64);
    check_spec(&d->outputs[0], "probabilities", 10);
}

/* Checks one score row against (votes + s) / (k + 10 s) with the votes recovered from the row. */
static void check_row_is_vote_shares(const float* row, int k, double s)
{
    double sum = 0.0;
    int total_votes = 0;
    for (int c = 0; c < CLASSES; c++)
    {
        double votes = row[c] * (k + 10.0 * s) - s;
        double rounded = floor(votes + 0.5);
        CHECK(fabs(votes - rounded) < 1e-4, "score %g of class %d is not (votes + %g) / (%d + 10 * %g)", row[c], c, s,
              k, s);
        total_votes += (int)rounded;
        sum += row[c];
    }
    CHECK(total_votes == k, "the votes in a row add up to %d, want k = %d", total_votes, k);
    CHECK(fabs(sum - 1.0) < 1e-6, "row sums to %.9f", sum);
}

static void test_create_default(void)
{
    dataset train = load_csv("train.csv");
    chorus_instance* a = create_or_die("{}");
    chorus_instance* b = create_or_die(" \n\t{ \r\n } \n");
    chorus_instance* c = create_or_die("{\"k\": 5, \"smoothing\": 0.5}");
    float ra[CLASSES], rb[CLASSES], rc[CLASSES];
    int64_t written = 0;
    for (int i = 0; i < 20; i++)
    {
        const float* x = train.pixels + (size_t)i * PIXELS;
        CHECK(chorus_plugin_run(a, x, 1, PIXELS, ra, CLASSES, &written) == CHORUS_OK, "run");
        CHECK(chorus_plugin_run(b, x, 1, PIXELS, rb, CLASSES, &written) == CHORUS_OK, "run");
        CHECK(chorus_plugin_run(c, x, 1, PIXELS, rc, CLASSES, &written) == CHORUS_OK, "run");
        CHECK(memcmp(ra, rb, sizeof ra) == 0 && memcmp(ra, rc, sizeof ra) == 0,
              "'{}' must mean k = 5, smoothing = 0.5 (sample %d)", i);
        check_row_is_vote_shares(ra, 5, 0.5);
        /* A training sample is its own nearest neighbour, so its label has at least one vote of five. */
        CHECK(ra[train.labels[i]] >= (float)(1.5 / 10.0), "sample %d: own label scores %g", i, ra[train.labels[i]]);
    }
    CHECK(chorus_plugin_last_error(a)[0] == '\0', "no error yet, got '%s'", chorus_plugin_last_error(a));
    chorus_plugin_destroy(a);
    chorus_plugin_destroy(b);
    chorus_plugin_destroy(c);
    chorus_plugin_destroy(NULL); /* a no-op */
    free_dataset(&train);
}

static void test_create_explicit(void)
{
    dataset train = load_csv("train.csv");
    static const struct
    {
        const char* config;
        int k;
        double smoothing;
    } cases[] = {
        {"{\"k\":1,\"smoothing\":0.25}", 1, 0.25},
        {"{\"smoothing\": 2, \"k\": 3}", 3, 2.0},
        {"{\"k\": 7}", 7, 0.5},
        {"{\"smoothing\": 1e-3}", 5, 0.001},
        {"{\"k\": 1.0E1}", 10, 0.5},
        {"{\"k\": 11.00, \"smoothing\": 25E-2}", 11, 0.25},
        {"{\"\\u006b\": 2}", 2, 0.5}, /* "k" spelt with an escape */
        {"{\"k\": 1077}", 1077, 0.5}, /* every training sample votes */
    };
    for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++)
    {
        chorus_instance* instance = create_or_die(cases[n].config);
        float row[CLASSES];
        int64_t written = 0;
        for (int i = 0; i < 5; i++)
        {
            int32_t rc = chorus_plugin_run(instance, train.pixels + (size_t)i * PIXELS, 1, PIXELS, row, CLASSES, &written);
            CHECK(rc == CHORUS_OK, "%s: run returned %d", cases[n].config, (int)rc);
            check_row_is_vote_shares(row, cases[n].k, cases[n].smoothing);
        }
        if (cases[n].k == 1)
        {
            /* (1 + 0.25) / (1 + 2.5) for the own label, 0.25 / 3.5 for the others. */
            for (int c = 0; c < CLASSES; c++)
            {
                float want = (float)(c == train.labels[4] ? 1.25 / 3.5 : 0.25 / 3.5);
                CHECK(row[c] == want, "k=1: class %d scores %.9g, want %.9g", c, row[c], want);
            }
        }
        if (cases[n].k == 1077)
        {
            /* All 1,077 vote: class c gets (count_c + 0.5) / 1082; class 0 has 106 training samples. */
            CHECK(row[0] == (float)(106.5 / 1082.0), "k=1077: class 0 scores %.9g", row[0]);
        }
        chorus_plugin_destroy(instance);
    }
    free_dataset(&train);
}

static void expect_create_failure(const char* config, const char* dir, int32_t code, const char* message_part)
{
    chorus_instance* instance = (chorus_instance*)&s_failures; /* a sentinel that must be replaced by NULL */
    int32_t rc = chorus_plugin_create(config, dir, &instance);
    const char* error = chorus_plugin_last_error(NULL);
    CHECK(rc == code, "create(%s, %s) returned %d, want %d (%s)", config ? config : "NULL", dir ? dir : "NULL", (int)rc,
          (int)code, error);
    CHECK(instance == NULL, "create(%s) failed but left *out non-NULL", config ? config : "NULL");
    CHECK(contains(error, message_part), "create(%s, %s): last_error(NULL) = '%s', want it to contain '%s'",
          config ? config : "NULL", dir ? dir : "NULL", error, message_part);
    if (rc == CHORUS_OK && instance != NULL && instance != (chorus_instance*)&s_failures)
        chorus_plugin_destroy(instance);
}

static void test_create_bad_config(void)
{
    const char* dir = s_plugin_dir;
    CHECK(chorus_plugin_last_error(NULL) != NULL, "last_error(NULL) is never NULL");
    const int32_t invalid = CHORUS_ERROR_INVALID_ARGUMENT;
    expect_create_failure(NULL, dir, invalid, "config_json is NULL");
    expect_create_failure("{}", NULL, invalid, "plugin_dir is NULL");
    CHECK(chorus_plugin_create("{}", dir, NULL) == invalid, "NULL out");
    CHECK(contains(chorus_plugin_last_error(NULL), "out is NULL"), "%s", chorus_plugin_last_error(NULL));

    expect_create_failure("", dir, invalid, "expected a JSON object ('{') at offset 0");
    expect_create_failure("   ", dir, invalid, "expected a JSON object ('{') at offset 3");
    expect_create_failure("null", dir, invalid, "expected a JSON object");
    expect_create_failure("[]", dir, invalid, "expected a JSON object");
    expect_create_failure("{", dir, invalid, "expected a key");
    expect_create_failure("{\"k\"", dir, invalid, "expected ':' after a key");
    expect_create_failure("{\"k\":}", dir, invalid, "'k' must be a number, got not a JSON value");
    expect_create_failure("{\"k\":5", dir, invalid, "expected ',' or '}' at offset 6");
    expect_create_failure("{\"k\":5,}", dir, invalid, "expected a key (a string) at offset 7");
    expect_create_failure("{\"k\":5} x", dir, invalid, "unexpected text after the object at offset 8");
    expect_create_failure("{\"k\":5}{}", dir, invalid, "unexpected text after the object");
    expect_create_failure("{k:5}", dir, invalid, "expected a key");
    expect_create_failure("{'k':5}", dir, invalid, "expected a key");
    expect_create_failure("{\"k\":\"5\"}", dir, invalid, "'k' must be a number, got a string");
    expect_create_failure("{\"k\":null}", dir, invalid, "'k' must be a number, got null");
    expect_create_failure("{\"k\":[5]}", dir, invalid, "'k' must be a number, got an array");
    expect_create_failure("{\"smoothing\":true}", dir, invalid, "'smoothing' must be a number, got a boolean");
    expect_create_failure("{\"k\":05}", dir, invalid, "leading zero");
    expect_create_failure("{\"k\":5.}", dir, invalid, "expected a digit after the decimal point");
    expect_create_failure("{\"k\":5e}", dir, invalid, "expected a digit in the exponent");
    expect_create_failure("{\"k\":+5}", dir, invalid, "'k' must be a number");
    expect_create_failure("{\"k\":-}", dir, invalid, "expected a number");
    expect_create_failure("{\"k\":0}", dir, invalid, "'k' is 0; it must be a whole number from 1 to 1077");
    expect_create_failure("{\"k\":-3}", dir, invalid, "'k' is -3; it must be a whole number from 1 to 1077");
    expect_create_failure("{\"k\":1078}", dir, invalid, "'k' is 1078; it must be a whole number from 1 to 1077");
    expect_create_failure("{\"k\":2.5}", dir, invalid, "'k' is 2.5; it must be a whole number");
    expect_create_failure("{\"k\":1e400}", dir, invalid, "'k' is inf");
    expect_create_failure("{\"smoothing\":0}", dir, invalid, "'smoothing' is 0; it must be a number greater than 0");
    expect_create_failure("{\"smoothing\":-0.5}", dir, invalid, "'smoothing' is -0.5");
    expect_create_failure("{\"smoothing\":1e999}", dir, invalid, "'smoothing' is inf");
    expect_create_failure("{\"K\":5}", dir, invalid, "unknown key 'K'; digits-knn knows 'k' and 'smoothing'");
    expect_create_failure("{\"k\":5,\"k\":6}", dir, invalid, "key 'k' appears twice");
    expect_create_failure("{\"k\\x\":5}", dir, invalid, "invalid escape in a string");
    expect_create_failure("{\"k\\u00\":5}", dir, invalid, "\\u must be followed by four hex digits");
    expect_create_failure("{\"\\ud800\":5}", dir, invalid, "high surrogate not followed by a low surrogate");
    expect_create_failure("{\"a\nb\":5}", dir, invalid, "control character in a string");
    expect_create_failure("{\"k", dir, invalid, "unterminated string");
    expect_create_failure("{\"\\u00e9\":1}", dir, invalid, "unknown key '\xc3\xa9'");

    /* The create error is per thread and survives later successful calls. */
    expect_create_failure("{\"k\":0}", dir, invalid, "'k' is 0");
    chorus_instance* ok = create_or_die("{}");
    CHECK(contains(chorus_plugin_last_error(NULL), "'k' is 0"), "%s", chorus_plugin_last_error(NULL));
    chorus_plugin_destroy(ok);
}

static void write_file(const char* dir, const unsigned char* bytes, size_t size)
{
    char path[1024];
    make_dir(dir);
    snprintf(path, sizeof path, "%s/train.bin", dir);
    FILE* f = fopen(path, "wb");
    if (f == NULL || fwrite(bytes, 1, size, f) != size)
    {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
}

/* A training file of n samples: sample i has every pixel i and label i % 10. */
static size_t make_training_file(unsigned char* buffer, uint32_t version, uint32_t n)
{
    memcpy(buffer, "CKNN", 4);
    for (int b = 0; b < 4; b++)
    {
        buffer[4 + b] = (unsigned char)(version >> (8 * b));
        buffer[8 + b] = (unsigned char)(n >> (8 * b));
    }
    for (uint32_t i = 0; i < n; i++)
    {
        memset(buffer + 12 + i * 65, (int)i, 64);
        buffer[12 + i * 65 + 64] = (unsigned char)(i % 10);
    }
    return 12 + (size_t)n * 65;
}

static void test_create_bad_file(void)
{
    unsigned char buffer[12 + 65 * 4 + 1];
    char dir[1024];
    size_t size;

    snprintf(dir, sizeof dir, "%s/no-such-folder", s_scratch);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "cannot open the training data");
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "no-such-folder/train.bin");

    snprintf(dir, sizeof dir, "%s/bad-magic", s_scratch);
    size = make_training_file(buffer, 1, 3);
    buffer[0] = 'X';
    write_file(dir, buffer, size);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is not a digits-knn training file");

    snprintf(dir, sizeof dir, "%s/short-header", s_scratch);
    write_file(dir, (const unsigned char*)"CKNN\1\0", 6);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is not a digits-knn training file");

    snprintf(dir, sizeof dir, "%s/version-2", s_scratch);
    write_file(dir, buffer, make_training_file(buffer, 2, 3));
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "has format version 2; this build of digits-knn reads version 1");

    snprintf(dir, sizeof dir, "%s/empty", s_scratch);
    write_file(dir, buffer, make_training_file(buffer, 1, 0));
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "says it holds 0 samples");

    snprintf(dir, sizeof dir, "%s/truncated", s_scratch);
    size = make_training_file(buffer, 1, 4);
    write_file(dir, buffer, size - 1);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is truncated or has trailing bytes: 4 samples need exactly 272 bytes");

    snprintf(dir, sizeof dir, "%s/trailing", s_scratch);
    size = make_training_file(buffer, 1, 4);
    buffer[size] = 0;
    write_file(dir, buffer, size + 1);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is truncated or has trailing bytes");

    snprintf(dir, sizeof dir, "%s/pixel-17", s_scratch);
    size = make_training_file(buffer, 1, 3);
    buffer[12 + 65 * 2 + 5] = 17;
    write_file(dir, buffer, size);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is corrupt: sample 2, pixel 5 is 17 (expected 0-16)");

    snprintf(dir, sizeof dir, "%s/label-10", s_scratch);
    size = make_training_file(buffer, 1, 3);
    buffer[12 + 65 * 1 + 64] = 10;
    write_file(dir, buffer, size);
    expect_create_failure("{}", dir, CHORUS_ERROR_FAILED, "is corrupt: sample 1 has label 10 (expected 0-9)");

    /* A valid file of 3 samples: k may be 1..3, so the default k = 5 is refused with the real training size. */
    snprintf(dir, sizeof dir, "%s/three", s_scratch);
    write_file(dir, buffer, make_training_file(buffer, 1, 3));
    expect_create_failure("{}", dir, CHORUS_ERROR_INVALID_ARGUMENT, "'k' is 5; it must be a whole number from 1 to 3");
    chorus_instance* instance = NULL;
    CHECK(chorus_plugin_create("{\"k\":3,\"smoothing\":1}", dir, &instance) == CHORUS_OK, "%s",
          chorus_plugin_last_error(NULL));
    if (instance != NULL)
    {
        /* Samples are all-0, all-1, all-2 (labels 0, 1, 2); all three vote: (1 + 1) / (3 + 10) for classes 0-2. */
        float x[PIXELS], row[CLASSES];
        int64_t written = 0;
        for (int j = 0; j < PIXELS; j++)
            x[j] = 1.0f;
        CHECK(chorus_plugin_run(instance, x, 1, PIXELS, row, CLASSES, &written) == CHORUS_OK, "run");
        CHECK(row[0] == (float)(2.0 / 13.0) && row[2] == (float)(2.0 / 13.0) && row[3] == (float)(1.0 / 13.0),
              "three-sample scores %g %g %g", row[0], row[2], row[3]);
        chorus_plugin_destroy(instance);
    }

    /* A folder path with a trailing separator works too. */
    char with_slash[1100];
    snprintf(with_slash, sizeof with_slash, "%s/", dir);
    instance = NULL;
    CHECK(chorus_plugin_create("{\"k\":1}", with_slash, &instance) == CHORUS_OK, "%s", chorus_plugin_last_error(NULL));
    chorus_plugin_destroy(instance);
}

/* Ties in the distance go to the lower training index. */
static void test_ties(void)
{
    /* Five samples at the same distance 64 from an all-1 query (all-0 or all-2), labels 3, 1, 4, 1, 5; then one far. */
    static const unsigned char pixel[6] = {2, 0, 2, 0, 2, 16};
    static const unsigned char label[6] = {3, 1, 4, 1, 5, 9};
    unsigned char buffer[12 + 65 * 6];
    char dir[1024];
    make_training_file(buffer, 1, 6);
    for (int i = 0; i < 6; i++)
    {
        memset(buffer + 12 + i * 65, pixel[i], 64);
        buffer[12 + i * 65 + 64] = label[i];
    }
    snprintf(dir, sizeof dir, "%s/ties", s_scratch);
    write_file(dir, buffer, sizeof buffer);

    float x[PIXELS];
    for (int j = 0; j < PIXELS; j++)
        x[j] = 1.0f;
    for (int k = 1; k <= 6; k++)
    {
        /* The k nearest are indices 0..k-1 (index 5 is far); count their labels. */
        int votes[CLASSES] = {0};
        for (int i = 0; i < k; i++)
            votes[label[i]]++;
        char config[64];
        snprintf(config, sizeof config, "{\"k\": %d, \"smoothing\": 1}", k);
        chorus_instance* instance = NULL;
        CHECK(chorus_plugin_create(config, dir, &instance) == CHORUS_OK, "%s", chorus_plugin_last_error(NULL));
        if (instance == NULL)
            continue;
        float row[CLASSES];
        int64_t written = 0;
        CHECK(chorus_plugin_run(instance, x, 1, PIXELS, row, CLASSES, &written) == CHORUS_OK, "run");
        for (int c = 0; c < CLASSES; c++)
        {
            float want = (float)((votes[c] + 1.0) / (k + 10.0));
            CHECK(row[c] == want, "k=%d: class %d scores %.9g, want %.9g", k, c, row[c], want);
        }
        chorus_plugin_destroy(instance);
    }
}

static void test_self_match(void)
{
    dataset train = load_csv("train.csv");
    chorus_instance* instance = create_or_die("{\"k\": 1}");
    float* scores = run_all(instance, &train);
    int wrong = 0;
    for (int i = 0; i < train.count; i++)
    {
        const float* row = scores + (size_t)i * CLASSES;
        if (argmax(row) != train.labels[i] || row[train.labels[i]] != (float)(1.5 / 6.0))
            wrong++;
    }
    CHECK(wrong == 0, "k=1: %d of %d training rows not classified as their own label with score 1.5/6", wrong,
          train.count);
    printf("k=1 classifies %d of %d training rows as their own label\n", train.count - wrong, train.count);
    free(scores);
    chorus_plugin_destroy(instance);
    free_dataset(&train);
}

static void test_probabilities(void)
{
    dataset test = load_csv("test.csv");
    chorus_instance* instance = create_or_die("{}");
    float* scores = run_all(instance, &test);
    for (int i = 0; i < test.count; i++)
    {
        const float* row = scores + (size_t)i * CLASSES;
        double sum = 0.0;
        for (int c = 0; c < CLASSES; c++)
        {
            CHECK(row[c] > 0.0f && row[c] < 1.0f, "sample %d class %d scores %g", i, c, row[c]);
            CHECK(row[c] >= (float)(0.5 / 10.0), "sample %d class %d scores %g, below smoothing/(k+10*smoothing)", i, c,
                  row[c]);
            sum += row[c];
        }
        CHECK(fabs(sum - 1.0) < 1e-6, "sample %d sums to %.9f", i, sum);
    }
    /* The same sample gives the same row alone and anywhere in a batch. */
    float single[CLASSES];
    int64_t written = 0;
    for (int i = 0; i < test.count; i += 37)
    {
        CHECK(chorus_plugin_run(instance, test.pixels + (size_t)i * PIXELS, 1, PIXELS, single, CLASSES, &written) ==
                  CHORUS_OK,
              "run");
        CHECK(memcmp(single, scores + (size_t)i * CLASSES, sizeof single) == 0, "sample %d alone differs from batch", i);
    }
    /* Output beyond batch * 10 is left alone when the buffer is larger. */
    float big[CLASSES * 2];
    for (int c = 0; c < CLASSES * 2; c++)
        big[c] = -7.0f;
    CHECK(chorus_plugin_run(instance, test.pixels, 1, PIXELS, big, CLASSES * 2, &written) == CHORUS_OK, "run");
    CHECK(written == CLASSES && big[CLASSES] == -7.0f, "written %lld, big[10] = %g", (long long)written, big[CLASSES]);
    free(scores);
    chorus_plugin_destroy(instance);
    free_dataset(&test);
}

static void expect_run_failure(chorus_instance* instance, const float* input, int64_t batch, int64_t input_count,
                               float* output, int64_t capacity, int64_t* written, int32_t code, const char* message)
{
    if (written != NULL)
        *written = 12345;
    int32_t rc = chorus_plugin_run(instance, input, batch, input_count, output, capacity, written);
    const char* error = chorus_plugin_last_error(instance);
    CHECK(rc == code, "run(batch %lld, input_count %lld, capacity %lld) returned %d, want %d (%s)", (long long)batch,
          (long long)input_count, (long long)capacity, (int)rc, (int)code, error);
    CHECK(strcmp(error, message) == 0, "last_error = '%s', want '%s'", error, message);
    if (written != NULL)
        CHECK(*written == 0, "output_written %lld after a failure, want 0", (long long)*written);
}

static void test_run_errors(void)
{
    chorus_instance* instance = create_or_die("{}");
    float input[PIXELS * 3] = {0};
    float output[CLASSES * 3];
    int64_t written = 0;
    const int32_t invalid = CHORUS_ERROR_INVALID_ARGUMENT;

    CHECK(chorus_plugin_run(NULL, input, 1, PIXELS, output, CLASSES, &written) == invalid, "NULL instance");
    CHECK(strcmp(chorus_plugin_last_error(NULL), "instance is NULL") == 0, "%s", chorus_plugin_last_error(NULL));
    expect_run_failure(instance, NULL, 1, PIXELS, output, CLASSES, &written, invalid, "input is NULL");
    expect_run_failure(instance, input, 1, PIXELS, NULL, CLASSES, &written, invalid, "output is NULL");
    expect_run_failure(instance, input, 1, PIXELS, output, CLASSES, NULL, invalid, "output_written is NULL");
    expect_run_failure(instance, input, 0, 0, output, CLASSES, &written, invalid, "batch is 0; it must be at least 1");
    expect_run_failure(instance, input, -2, PIXELS, output, CLASSES, &written, invalid,
                       "batch is -2; it must be at least 1");
    expect_run_failure(instance, input, INT64_MAX, PIXELS, output, CLASSES, &written, invalid,
                       "batch is 9223372036854775807; it must be at least 1");
    expect_run_failure(instance, input, 1, 63, output, CLASSES, &written, invalid,
                       "input_count is 63 but a batch of 1 needs 64 floats (64 pixels per sample)");
    expect_run_failure(instance, input, 3, 128, output, CLASSES * 3, &written, invalid,
                       "input_count is 128 but a batch of 3 needs 192 floats (64 pixels per sample)");
    expect_run_failure(instance, input, 1, PIXELS, output, 9, &written, CHORUS_ERROR_BUFFER_TOO_SMALL,
                       "output_capacity is 9 but a batch of 1 needs 10 floats (10 probabilities per sample)");
    expect_run_failure(instance, input, 3, PIXELS * 3, output, 29, &written, CHORUS_ERROR_BUFFER_TOO_SMALL,
                       "output_capacity is 29 but a batch of 3 needs 30 floats (10 probabilities per sample)");
    input[PIXELS + 7] = NAN;
    expect_run_failure(instance, input, 3, PIXELS * 3, output, CLASSES * 3, &written, invalid,
                       "sample 1, pixel 7 is not a finite number; pixels are counts 0-16");
    input[PIXELS + 7] = INFINITY;
    expect_run_failure(instance, input, 3, PIXELS * 3, output, CLASSES * 3, &written, invalid,
                       "sample 1, pixel 7 is not a finite number; pixels are counts 0-16");
    input[PIXELS + 7] = 0.0f;

    /* The instance keeps working, and the error text stays until the next failure. */
    CHECK(chorus_plugin_run(instance, input, 3, PIXELS * 3, output, CLASSES * 3, &written) == CHORUS_OK, "%s",
          chorus_plugin_last_error(instance));
    CHECK(written == 30, "written %lld", (long long)written);
    CHECK(contains(chorus_plugin_last_error(instance), "pixel 7"), "%s", chorus_plugin_last_error(instance));

    /* Errors are per instance: another instance has none. */
    chorus_instance* other = create_or_die("{}");
    CHECK(chorus_plugin_last_error(other)[0] == '\0', "other instance: '%s'", chorus_plugin_last_error(other));
    chorus_plugin_destroy(other);
    chorus_plugin_destroy(instance);
}

/* Concurrent runs: several threads run the test split in batches of different sizes and must match a single run. */
typedef struct concurrent_job
{
    chorus_instance* instance;
    const dataset* data;
    const float* expected;
    int batch;
    int rounds;
    int mismatches;
    int errors;
} concurrent_job;

static void concurrent_body(void* arg)
{
    concurrent_job* job = (concurrent_job*)arg;
    float* out = (float*)malloc((size_t)job->batch * CLASSES * sizeof(float));
    for (int round = 0; round < job->rounds; round++)
    {
        for (int start = 0; start < job->data->count; start += job->batch)
        {
            int n = job->data->count - start < job->batch ? job->data->count - start : job->batch;
            int64_t written = 0;
            int32_t rc = chorus_plugin_run(job->instance, job->data->pixels + (size_t)start * PIXELS, n,
                                           (int64_t)n * PIXELS, out, (int64_t)job->batch * CLASSES, &written);
            if (rc != CHORUS_OK || written != (int64_t)n * CLASSES)
                job->errors++;
            else if (memcmp(out, job->expected + (size_t)start * CLASSES, (size_t)n * CLASSES * sizeof(float)) != 0)
                job->mismatches++;
        }
    }
    free(out);
}

static void test_concurrent(void)
{
    enum
    {
        THREADS = 8
    };
    dataset test = load_csv("test.csv");
    chorus_instance* instance = create_or_die("{\"k\": 5}");
    float* expected = run_all(instance, &test);
    concurrent_job jobs[THREADS];
    thread_start starts[THREADS];
    thread_handle threads[THREADS];
    for (int t = 0; t < THREADS; t++)
    {
        concurrent_job job = {instance, &test, expected, 1 + (t * 17) % 64, 3, 0, 0};
        jobs[t] = job;
        starts[t].body = concurrent_body;
        starts[t].arg = &jobs[t];
        thread_run(&threads[t], &starts[t]);
    }
    for (int t = 0; t < THREADS; t++)
    {
        thread_join(threads[t]);
        CHECK(jobs[t].errors == 0 && jobs[t].mismatches == 0, "thread %d (batch %d): %d errors, %d mismatching batches",
              t, jobs[t].batch, jobs[t].errors, jobs[t].mismatches);
    }
    printf("%d threads x 3 rounds over %d test samples matched the single-threaded run\n", THREADS, test.count);
    free(expected);
    chorus_plugin_destroy(instance);
    free_dataset(&test);
}

/* Two threads fail differently on one instance at the same time; each must read its own error text. */
typedef struct error_job
{
    chorus_instance* instance;
    int kind; /* 0: wrong input_count; 1: output too small */
    int wrong_text;
} error_job;

static void error_body(void* arg)
{
    error_job* job = (error_job*)arg;
    float input[PIXELS] = {0};
    float output[CLASSES];
    int64_t written = 0;
    const char* want = job->kind == 0 ? "input_count is 63 but a batch of 1 needs 64 floats (64 pixels per sample)"
                                      : "output_capacity is 5 but a batch of 1 needs 10 floats (10 probabilities per sample)";
    for (int i = 0; i < 500000; i++)
    {
        if (job->kind == 0)
            chorus_plugin_run(job->instance, input, 1, 63, output, CLASSES, &written);
        else
            chorus_plugin_run(job->instance, input, 1, PIXELS, output, 5, &written);
        if (strcmp(chorus_plugin_last_error(job->instance), want) != 0)
            job->wrong_text++;
    }
}

static void test_per_thread_errors(void)
{
    chorus_instance* instance = create_or_die("{}");
    error_job jobs[2] = {{instance, 0, 0}, {instance, 1, 0}};
    thread_start starts[2] = {{error_body, &jobs[0]}, {error_body, &jobs[1]}};
    thread_handle threads[2];
    thread_run(&threads[0], &starts[0]);
    thread_run(&threads[1], &starts[1]);
    thread_join(threads[0]);
    thread_join(threads[1]);
    CHECK(jobs[0].wrong_text == 0 && jobs[1].wrong_text == 0, "a thread read another thread's error: %d, %d times",
          jobs[0].wrong_text, jobs[1].wrong_text);
    /* This thread had no error of its own: it reads the instance's latest, which is one of the two. */
    const char* latest = chorus_plugin_last_error(instance);
    CHECK(contains(latest, "input_count is 63") || contains(latest, "output_capacity is 5"), "latest: '%s'", latest);
    chorus_plugin_destroy(instance);
}

static void test_exports(void)
{
    static const char* const required[] = {"chorus_plugin_abi_version", "chorus_plugin_describe", "chorus_plugin_create",
                                           "chorus_plugin_run",         "chorus_plugin_last_error", "chorus_plugin_destroy"};
    static const char* const absent[] = {"chorus_plugin_stream_open", "chorus_plugin_stream_push",
                                         "chorus_plugin_stream_close", "classify", "parse_config", "load_training_set"};
#if defined(_WIN32)
    HMODULE library = LoadLibraryA(s_library);
    CHECK(library != NULL, "LoadLibrary(%s) failed", s_library);
    if (library == NULL)
        return;
#define FIND(name) ((void*)GetProcAddress(library, name))
#else
    void* library = dlopen(s_library, RTLD_NOW | RTLD_LOCAL);
    CHECK(library != NULL, "dlopen(%s): %s", s_library, dlerror());
    if (library == NULL)
        return;
#define FIND(name) dlsym(library, name)
#endif
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        CHECK(FIND(required[i]) != NULL, "%s is not exported", required[i]);
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        CHECK(FIND(absent[i]) == NULL, "%s must not be exported", absent[i]);
#undef FIND
#if defined(_WIN32)
    FreeLibrary(library);
#else
    dlclose(library);
#endif
}

static void accuracy(const char* file, double threshold)
{
    dataset d = load_csv(file);
    static const int ks[] = {1, 3, 5, 7, 9};
    for (size_t n = 0; n < sizeof ks / sizeof ks[0]; n++)
    {
        char config[64];
        snprintf(config, sizeof config, "{\"k\": %d, \"smoothing\": 0.5}", ks[n]);
        chorus_instance* instance = create_or_die(config);
        float* scores = run_all(instance, &d);
        int correct = 0;
        for (int i = 0; i < d.count; i++)
            correct += argmax(scores + (size_t)i * CLASSES) == d.labels[i];
        double value = (double)correct / d.count;
        printf("accuracy on %s, k=%d, smoothing=0.5: %.4f (%d/%d)%s\n", file, ks[n], value, correct, d.count,
               ks[n] == 5 ? "  <- the plugin's configuration" : "");
        if (ks[n] == 5)
            CHECK(value >= threshold, "accuracy %.4f on %s is below %.2f", value, file, threshold);
        free(scores);
        chorus_plugin_destroy(instance);
    }
    free_dataset(&d);
}

static void test_accuracy_validation(void) { accuracy("validation.csv", 0.95); }
static void test_accuracy_test(void) { accuracy("test.csv", 0.95); }

int main(int argc, char** argv)
{
    static const struct
    {
        const char* name;
        void (*run)(void);
    } cases[] = {
        {"abi", test_abi},
        {"descriptor", test_descriptor},
        {"create_default", test_create_default},
        {"create_explicit", test_create_explicit},
        {"create_bad_config", test_create_bad_config},
        {"create_bad_file", test_create_bad_file},
        {"ties", test_ties},
        {"self_match", test_self_match},
        {"probabilities", test_probabilities},
        {"run_errors", test_run_errors},
        {"concurrent", test_concurrent},
        {"per_thread_errors", test_per_thread_errors},
        {"exports", test_exports},
        {"accuracy_validation", test_accuracy_validation},
        {"accuracy_test", test_accuracy_test},
    };
    if (argc != 6)
    {
        fprintf(stderr, "usage: %s CASE PLUGIN_DIR DATA_DIR LIBRARY SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    s_plugin_dir = argv[2];
    s_data_dir = argv[3];
    s_library = argv[4];
    s_scratch = argv[5];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        if (strcmp(argv[1], cases[i].name) == 0)
        {
            cases[i].run();
            if (s_failures != 0)
                fprintf(stderr, "%s: %d check(s) failed\n", argv[1], s_failures);
            return s_failures == 0 ? 0 : 1;
        }
    }
    fprintf(stderr, "unknown case '%s'\n", argv[1]);
    return 2;
}
