/*
 * digits_knn.c - digits-knn: a k-nearest-neighbours classifier of the 8x8 UCI handwritten digits, as a Chorus native
 * plugin (native/include/chorus_plugin.h, ABI version 1; no streaming exports).
 *
 * The model is the training split itself (train.bin in the plugin folder, written by make_train_bin.py). A sample is
 * 64 raw pixel counts (0-16, no scaling); its score row is, for each class c of "0".."9",
 *
 *     (votes_c + smoothing) / (k + 10 * smoothing)
 *
 * where votes_c counts the k training samples nearest in squared Euclidean distance that have label c, ties in the
 * distance going to the lower training index. smoothing > 0, so no probability is 0 and every row sums to 1.
 *
 * Threading. An instance is immutable after chorus_plugin_create(): runs only read it and keep their scratch on the
 * stack or in a per-call allocation, so concurrent chorus_plugin_run() calls on one instance need no lock. The one
 * mutable part is the error text, handled as follows:
 *   - chorus_plugin_last_error(NULL): a thread-local buffer holding the calling thread's last create() error (and the
 *     error of a run() given a NULL instance, which has no instance to hold it).
 *   - chorus_plugin_last_error(instance): per thread first. A failing run() records its text in a thread-local slot
 *     tagged with the instance's serial number (never reused, unlike addresses), so a host that asks on the thread
 *     that got the error code gets exactly that call's text even while other threads fail on the same instance.
 *     It also stores the text in the instance under a mutex; asking from a thread with no error of its own for this
 *     instance returns a thread-local copy of that, the instance's latest error from any thread ("" if none).
 *   The returned pointer stays valid until the calling thread's next call into the plugin, and is never torn by other
 *   threads. Successful calls do not clear the text ("last error", like errno).
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* pthreads and the XSI strerror_r */
#endif

#include "chorus_plugin.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <pthread.h>
#include <stdatomic.h>
#endif

#if defined(_MSC_VER)
#define KNN_THREAD_LOCAL __declspec(thread)
#else
#define KNN_THREAD_LOCAL _Thread_local
#endif

enum
{
    KNN_PIXELS = 64,
    KNN_CLASSES = 10,
    KNN_MAX_PIXEL = 16,
    KNN_FILE_VERSION = 1,
    KNN_FILE_HEADER = 12,                 /* "CKNN", uint32 version, uint32 count */
    KNN_RECORD = KNN_PIXELS + 1,          /* 64 pixels, 1 label */
    KNN_MAX_SAMPLES = 10 * 1000 * 1000,   /* refuses absurd counts before allocating */
    KNN_ERROR_SIZE = 512,
    KNN_STACK_NEIGHBOURS = 64,            /* k up to this keeps its scratch on the stack */
    KNN_DEFAULT_K = 5
};
#define KNN_DEFAULT_SMOOTHING 0.5
#define KNN_TRAIN_FILE "train.bin"

/* ---- the descriptor ------------------------------------------------------------------------------------------- */

static const int64_t k_input_shape[2] = {-1, KNN_PIXELS};
static const int64_t k_output_shape[2] = {-1, KNN_CLASSES};
static const chorus_tensor_spec k_inputs[1] = {{"pixels", CHORUS_ELEMENT_FLOAT32, 2, k_input_shape}};
static const chorus_tensor_spec k_outputs[1] = {{"probabilities", CHORUS_ELEMENT_FLOAT32, 2, k_output_shape}};
static const char* const k_labels[KNN_CLASSES] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

static const chorus_plugin_descriptor k_descriptor = {
    CHORUS_PLUGIN_ABI_VERSION,
    "digits-knn",
    "1.0.0",
    "classification",
    KNN_CLASSES,
    k_labels,
    1,
    k_inputs,
    1,
    k_outputs,
};

/* ---- platform shims: a mutex, a serial counter, strerror ------------------------------------------------------ */

#if defined(_WIN32)
typedef SRWLOCK knn_mutex;
static int knn_mutex_init(knn_mutex* m)
{
    InitializeSRWLock(m);
    return 0;
}
static void knn_mutex_lock(knn_mutex* m) { AcquireSRWLockExclusive(m); }
static void knn_mutex_unlock(knn_mutex* m) { ReleaseSRWLockExclusive(m); }
static void knn_mutex_destroy(knn_mutex* m) { (void)m; }
static volatile LONG64 s_serial;
static uint64_t knn_next_serial(void) { return (uint64_t)InterlockedIncrement64(&s_serial); }
static void knn_strerror(int error, char* buffer, size_t size) { strerror_s(buffer, size, error); }
#else
typedef pthread_mutex_t knn_mutex;
static int knn_mutex_init(knn_mutex* m) { return pthread_mutex_init(m, NULL); }
static void knn_mutex_lock(knn_mutex* m) { pthread_mutex_lock(m); }
static void knn_mutex_unlock(knn_mutex* m) { pthread_mutex_unlock(m); }
static void knn_mutex_destroy(knn_mutex* m) { pthread_mutex_destroy(m); }
static atomic_uint_fast64_t s_serial;
static uint64_t knn_next_serial(void) { return (uint64_t)atomic_fetch_add(&s_serial, 1) + 1; }
static void knn_strerror(int error, char* buffer, size_t size)
{
    /* strerror() is not thread-safe; this is the XSI strerror_r (int result) that _POSIX_C_SOURCE selects. */
    if (strerror_r(error, buffer, size) != 0)
        snprintf(buffer, size, "error %d", error);
}
#endif

/* ---- the instance and its errors ------------------------------------------------------------------------------ */

struct chorus_instance
{
    uint64_t serial; /* tags thread-local error slots; unique for the life of the process */
    int32_t k;
    double smoothing;
    int32_t count;         /* training samples */
    float* pixels;         /* count * 64 raw pixel counts */
    unsigned char* labels; /* count labels, 0-9 */
    knn_mutex error_lock;  /* guards last_error only */
    char last_error[KNN_ERROR_SIZE];
};

static KNN_THREAD_LOCAL char tls_create_error[KNN_ERROR_SIZE];
static KNN_THREAD_LOCAL uint64_t tls_instance_serial; /* 0: tls_instance_error holds nothing */
static KNN_THREAD_LOCAL char tls_instance_error[KNN_ERROR_SIZE];
static KNN_THREAD_LOCAL char tls_error_copy[KNN_ERROR_SIZE];

#if defined(__GNUC__)
#define KNN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KNN_PRINTF(f, a)
#endif

static void set_create_error(const char* format, ...) KNN_PRINTF(1, 2);
static void set_create_error(const char* format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(tls_create_error, sizeof tls_create_error, format, args);
    va_end(args);
}

static void set_instance_error(chorus_instance* instance, const char* format, ...) KNN_PRINTF(2, 3);
static void set_instance_error(chorus_instance* instance, const char* format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(tls_instance_error, sizeof tls_instance_error, format, args);
    va_end(args);
    tls_instance_serial = instance->serial;
    knn_mutex_lock(&instance->error_lock);
    memcpy(instance->last_error, tls_instance_error, sizeof instance->last_error);
    knn_mutex_unlock(&instance->error_lock);
}

/* ---- the configuration: a JSON object with optional "k" and "smoothing" --------------------------------------- */

typedef struct config_parser
{
    const char* start;
    const char* p;
    char* error; /* KNN_ERROR_SIZE bytes */
} config_parser;

static int config_fail(config_parser* c, const char* what)
{
    snprintf(c->error, KNN_ERROR_SIZE, "invalid configuration: %s at offset %ld of the config JSON", what,
             (long)(c->p - c->start));
    return -1;
}

static void skip_ws(config_parser* c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
        c->p++;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int parse_hex4(config_parser* c, unsigned* out)
{
    unsigned value = 0;
    for (int i = 0; i < 4; i++)
    {
        int d = hex_digit(c->p[i]);
        if (d < 0)
            return config_fail(c, "\\u must be followed by four hex digits");
        value = value * 16 + (unsigned)d;
    }
    c->p += 4;
    *out = value;
    return 0;
}

static void append_byte(char* out, size_t cap, size_t* len, unsigned value)
{
    if (*len + 1 < cap)
        out[(*len)++] = (char)value;
}

/* Decodes a JSON string at c->p (the opening quote) into out (truncated to cap-1 bytes, always terminated). */
static int parse_string(config_parser* c, char* out, size_t cap)
{
    size_t len = 0;
    c->p++; /* the opening quote */
    for (;;)
    {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '\0')
            return config_fail(c, "unterminated string");
        if (ch < 0x20)
            return config_fail(c, "control character in a string");
        if (ch == '"')
        {
            c->p++;
            break;
        }
        if (ch != '\\')
        {
            append_byte(out, cap, &len, ch);
            c->p++;
            continue;
        }
        c->p++;
        char escape = *c->p++;
        switch (escape)
        {
        case '"': append_byte(out, cap, &len, '"'); break;
        case '\\': append_byte(out, cap, &len, '\\'); break;
        case '/': append_byte(out, cap, &len, '/'); break;
        case 'b': append_byte(out, cap, &len, '\b'); break;
        case 'f': append_byte(out, cap, &len, '\f'); break;
        case 'n': append_byte(out, cap, &len, '\n'); break;
        case 'r': append_byte(out, cap, &len, '\r'); break;
        case 't': append_byte(out, cap, &len, '\t'); break;
        case 'u':
        {
            unsigned cp;
            if (parse_hex4(c, &cp) != 0)
                return -1;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return config_fail(c, "lone low surrogate in a \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF)
            {
                unsigned low;
                if (c->p[0] != '\\' || c->p[1] != 'u')
                    return config_fail(c, "high surrogate not followed by a low surrogate");
                c->p += 2;
                if (parse_hex4(c, &low) != 0)
                    return -1;
                if (low < 0xDC00 || low > 0xDFFF)
                    return config_fail(c, "high surrogate not followed by a low surrogate");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            if (cp < 0x80)
                append_byte(out, cap, &len, cp);
            else if (cp < 0x800)
            {
                append_byte(out, cap, &len, 0xC0 | (cp >> 6));
                append_byte(out, cap, &len, 0x80 | (cp & 0x3F));
            }
            else if (cp < 0x10000)
            {
                append_byte(out, cap, &len, 0xE0 | (cp >> 12));
                append_byte(out, cap, &len, 0x80 | ((cp >> 6) & 0x3F));
                append_byte(out, cap, &len, 0x80 | (cp & 0x3F));
            }
            else
            {
                append_byte(out, cap, &len, 0xF0 | (cp >> 18));
                append_byte(out, cap, &len, 0x80 | ((cp >> 12) & 0x3F));
                append_byte(out, cap, &len, 0x80 | ((cp >> 6) & 0x3F));
                append_byte(out, cap, &len, 0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            c->p--;
            return config_fail(c, "invalid escape in a string");
        }
    }
    out[len] = '\0';
    return 0;
}

/* Parses a JSON number by hand (strtod would follow the process's LC_NUMERIC locale). */
static int parse_number(config_parser* c, double* out)
{
    const char* p = c->p;
    int negative = 0;
    uint64_t mantissa = 0;
    int digits = 0;   /* significant digits kept in mantissa */
    long exponent = 0; /* decimal exponent applied to mantissa */
    if (*p == '-')
    {
        negative = 1;
        p++;
    }
    if (*p < '0' || *p > '9')
        return config_fail(c, "expected a number");
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return config_fail(c, "leading zero in a number");
    for (; *p >= '0' && *p <= '9'; p++)
    {
        if (digits < 19)
        {
            mantissa = mantissa * 10 + (uint64_t)(*p - '0');
            if (mantissa != 0)
                digits++;
        }
        else
            exponent++;
    }
    if (*p == '.')
    {
        p++;
        if (*p < '0' || *p > '9')
        {
            c->p = p;
            return config_fail(c, "expected a digit after the decimal point");
        }
        for (; *p >= '0' && *p <= '9'; p++)
        {
            if (digits < 19)
            {
                mantissa = mantissa * 10 + (uint64_t)(*p - '0');
                if (mantissa != 0)
                    digits++;
                exponent--;
            }
        }
    }
    if (*p == 'e' || *p == 'E')
    {
        int exponent_negative = 0;
        long value = 0;
        p++;
        if (*p == '+' || *p == '-')
            exponent_negative = *p++ == '-';
        if (*p < '0' || *p > '9')
        {
            c->p = p;
            return config_fail(c, "expected a digit in the exponent");
        }
        for (; *p >= '0' && *p <= '9'; p++)
            if (value < 100000)
                value = value * 10 + (*p - '0');
        exponent += exponent_negative ? -value : value;
    }
    c->p = p;

    /* mantissa < 2^63 and powers of ten up to 1e22 are exact doubles, so values like 0.5 or 5 come out exactly. */
    double result = (double)mantissa;
    if (mantissa != 0)
    {
        double scale = 1.0;
        long magnitude = exponent < 0 ? -exponent : exponent;
        for (long i = 0; i < magnitude && i < 400; i++)
            scale *= 10.0;
        result = exponent < 0 ? result / scale : result * scale;
    }
    *out = negative ? -result : result;
    return 0;
}

static const char* json_type_name(char ch)
{
    switch (ch)
    {
    case '"': return "a string";
    case '{': return "an object";
    case '[': return "an array";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return "not a JSON value";
    }
}

/* Fills *k and *smoothing from config_json (defaults for absent keys); range checks that need the training set are
 * left to the caller. Returns 0, or -1 with the reason in error. */
static int parse_config(const char* config_json, double* k, double* smoothing, char* error)
{
    config_parser c = {config_json, config_json, error};
    int seen_k = 0;
    int seen_smoothing = 0;
    *k = KNN_DEFAULT_K;
    *smoothing = KNN_DEFAULT_SMOOTHING;

    skip_ws(&c);
    if (*c.p != '{')
        return config_fail(&c, "expected a JSON object ('{')");
    c.p++;
    skip_ws(&c);
    if (*c.p == '}')
        c.p++;
    else
    {
        for (;;)
        {
            char key[64];
            double value;
            skip_ws(&c);
            if (*c.p != '"')
                return config_fail(&c, "expected a key (a string)");
            if (parse_string(&c, key, sizeof key) != 0)
                return -1;
            skip_ws(&c);
            if (*c.p != ':')
                return config_fail(&c, "expected ':' after a key");
            c.p++;
            skip_ws(&c);

            int is_k = strcmp(key, "k") == 0;
            if (!is_k && strcmp(key, "smoothing") != 0)
            {
                snprintf(error, KNN_ERROR_SIZE, "invalid configuration: unknown key '%s'; digits-knn knows 'k' and 'smoothing'",
                         key);
                return -1;
            }
            if (is_k ? seen_k : seen_smoothing)
            {
                snprintf(error, KNN_ERROR_SIZE, "invalid configuration: key '%s' appears twice", key);
                return -1;
            }
            if (*c.p != '-' && (*c.p < '0' || *c.p > '9'))
            {
                snprintf(error, KNN_ERROR_SIZE, "invalid configuration: '%s' must be a number, got %s", key,
                         json_type_name(*c.p));
                return -1;
            }
            if (parse_number(&c, &value) != 0)
                return -1;
            if (is_k)
            {
                *k = value;
                seen_k = 1;
            }
            else
            {
                *smoothing = value;
                seen_smoothing = 1;
            }

            skip_ws(&c);
            if (*c.p == ',')
            {
                c.p++;
                continue;
            }
            if (*c.p == '}')
            {
                c.p++;
                break;
            }
            return config_fail(&c, "expected ',' or '}'");
        }
    }
    skip_ws(&c);
    if (*c.p != '\0')
        return config_fail(&c, "unexpected text after the object");
    return 0;
}

/* ---- train.bin ------------------------------------------------------------------------------------------------ */

static uint32_t read_u32_le(const unsigned char* b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static FILE* open_utf8(const char* path)
{
#if defined(_WIN32)
    /* plugin_dir is UTF-8; fopen() would read it in the ANSI code page. */
    int wide_length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    if (wide_length <= 0)
    {
        errno = EINVAL;
        return NULL;
    }
    wchar_t* wide = (wchar_t*)malloc((size_t)wide_length * sizeof(wchar_t));
    if (wide == NULL)
    {
        errno = ENOMEM;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, 0, path, -1, wide, wide_length);
    FILE* f = _wfopen(wide, L"rb");
    free(wide);
    return f;
#else
    return fopen(path, "rb");
#endif
}

/* Reads and checks plugin_dir/train.bin into instance->count, pixels, labels. Returns CHORUS_OK or an error code with
 * the create error set. */
static int32_t load_training_set(const char* plugin_dir, chorus_instance* instance)
{
    size_t dir_length = strlen(plugin_dir);
    char* path = (char*)malloc(dir_length + sizeof KNN_TRAIN_FILE + 1);
    if (path == NULL)
    {
        set_create_error("out of memory");
        return CHORUS_ERROR_FAILED;
    }
    memcpy(path, plugin_dir, dir_length);
    if (dir_length > 0 && plugin_dir[dir_length - 1] != '/' && plugin_dir[dir_length - 1] != '\\')
        path[dir_length++] = '/';
    memcpy(path + dir_length, KNN_TRAIN_FILE, sizeof KNN_TRAIN_FILE);

    int32_t result = CHORUS_ERROR_FAILED;
    unsigned char* records = NULL;
    FILE* f = open_utf8(path);
    if (f == NULL)
    {
        char reason[128];
        knn_strerror(errno, reason, sizeof reason);
        set_create_error("cannot open the training data '%s': %s (run make_train_bin.py to write it)", path, reason);
        goto done;
    }

    unsigned char header[KNN_FILE_HEADER];
    if (fread(header, 1, sizeof header, f) != sizeof header || memcmp(header, "CKNN", 4) != 0)
    {
        set_create_error("'%s' is not a digits-knn training file (no \"CKNN\" header)", path);
        goto done;
    }
    uint32_t version = read_u32_le(header + 4);
    uint32_t count = read_u32_le(header + 8);
    if (version != KNN_FILE_VERSION)
    {
        set_create_error("'%s' has format version %u; this build of digits-knn reads version %d", path, (unsigned)version,
                         KNN_FILE_VERSION);
        goto done;
    }
    if (count < 1 || count > KNN_MAX_SAMPLES)
    {
        set_create_error("'%s' says it holds %u samples; expected 1 to %d", path, (unsigned)count, KNN_MAX_SAMPLES);
        goto done;
    }

    size_t record_bytes = (size_t)count * KNN_RECORD;
    records = (unsigned char*)malloc(record_bytes);
    instance->pixels = (float*)malloc((size_t)count * KNN_PIXELS * sizeof(float));
    instance->labels = (unsigned char*)malloc(count);
    if (records == NULL || instance->pixels == NULL || instance->labels == NULL)
    {
        set_create_error("out of memory reading '%s' (%u samples)", path, (unsigned)count);
        goto done;
    }
    size_t got = fread(records, 1, record_bytes, f);
    if (got != record_bytes || fgetc(f) != EOF)
    {
        set_create_error("'%s' is truncated or has trailing bytes: %u samples need exactly %lu bytes", path,
                         (unsigned)count, (unsigned long)(KNN_FILE_HEADER + record_bytes));
        goto done;
    }
    for (uint32_t i = 0; i < count; i++)
    {
        const unsigned char* record = records + (size_t)i * KNN_RECORD;
        for (int j = 0; j < KNN_PIXELS; j++)
        {
            if (record[j] > KNN_MAX_PIXEL)
            {
                set_create_error("'%s' is corrupt: sample %u, pixel %d is %u (expected 0-16)", path, (unsigned)i, j,
                                 (unsigned)record[j]);
                goto done;
            }
            instance->pixels[(size_t)i * KNN_PIXELS + (size_t)j] = (float)record[j];
        }
        if (record[KNN_PIXELS] >= KNN_CLASSES)
        {
            set_create_error("'%s' is corrupt: sample %u has label %u (expected 0-9)", path, (unsigned)i,
                             (unsigned)record[KNN_PIXELS]);
            goto done;
        }
        instance->labels[i] = record[KNN_PIXELS];
    }
    instance->count = (int32_t)count;
    result = CHORUS_OK;

done:
    if (f != NULL)
        fclose(f);
    free(records);
    free(path);
    return result;
}

/* ---- exports -------------------------------------------------------------------------------------------------- */

uint32_t chorus_plugin_abi_version(void) { return CHORUS_PLUGIN_ABI_VERSION; }

const chorus_plugin_descriptor* chorus_plugin_describe(void) { return &k_descriptor; }

static void free_instance(chorus_instance* instance)
{
    free(instance->pixels);
    free(instance->labels);
    free(instance);
}

int32_t chorus_plugin_create(const char* config_json, const char* plugin_dir, chorus_instance** out)
{
    if (out == NULL)
    {
        set_create_error("out is NULL");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    *out = NULL;
    if (config_json == NULL)
    {
        set_create_error("config_json is NULL; pass \"{}\" for the defaults");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (plugin_dir == NULL)
    {
        set_create_error("plugin_dir is NULL; pass the plugin folder, which holds " KNN_TRAIN_FILE);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }

    double k;
    double smoothing;
    char error[KNN_ERROR_SIZE];
    if (parse_config(config_json, &k, &smoothing, error) != 0)
    {
        set_create_error("%s", error);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (!(smoothing > 0.0) || !isfinite(smoothing))
    {
        set_create_error("invalid configuration: 'smoothing' is %g; it must be a number greater than 0 "
                         "(it keeps every probability above 0; default %g)",
                         smoothing, KNN_DEFAULT_SMOOTHING);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }

    chorus_instance* instance = (chorus_instance*)calloc(1, sizeof *instance);
    if (instance == NULL)
    {
        set_create_error("out of memory");
        return CHORUS_ERROR_FAILED;
    }
    int32_t result = load_training_set(plugin_dir, instance);
    if (result != CHORUS_OK)
    {
        free_instance(instance);
        return result;
    }
    if (!(k >= 1.0 && k <= (double)instance->count && (double)(int32_t)k == k))
    {
        set_create_error("invalid configuration: 'k' is %g; it must be a whole number from 1 to %d (the number of "
                         "training samples; default %d)",
                         k, (int)instance->count, KNN_DEFAULT_K);
        free_instance(instance);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (knn_mutex_init(&instance->error_lock) != 0)
    {
        set_create_error("cannot create a mutex");
        free_instance(instance);
        return CHORUS_ERROR_FAILED;
    }
    instance->k = (int32_t)k;
    instance->smoothing = smoothing;
    instance->serial = knn_next_serial();
    *out = instance;
    return CHORUS_OK;
}

typedef struct neighbour
{
    float distance;
    int32_t index;
} neighbour;

/* Scores one sample: the k nearest training samples (ties to the lower index), then smoothed vote shares. */
static void classify(const chorus_instance* instance, const float* sample, neighbour* nearest, float* scores)
{
    const int32_t k = instance->k;
    int32_t found = 0;
    for (int32_t i = 0; i < instance->count; i++)
    {
        const float* train = instance->pixels + (size_t)i * KNN_PIXELS;
        float distance = 0.0f;
        for (int j = 0; j < KNN_PIXELS; j++)
        {
            float d = sample[j] - train[j];
            distance += d * d;
        }
        /* Indices arrive in increasing order, so an equal distance never displaces an earlier neighbour. */
        if (found == k && !(distance < nearest[k - 1].distance))
            continue;
        int32_t at = found < k ? found++ : k - 1;
        while (at > 0 && nearest[at - 1].distance > distance)
        {
            nearest[at] = nearest[at - 1];
            at--;
        }
        nearest[at].distance = distance;
        nearest[at].index = i;
    }

    int votes[KNN_CLASSES] = {0};
    for (int32_t n = 0; n < k; n++)
        votes[instance->labels[nearest[n].index]]++;
    const double denominator = (double)k + KNN_CLASSES * instance->smoothing;
    for (int c = 0; c < KNN_CLASSES; c++)
        scores[c] = (float)(((double)votes[c] + instance->smoothing) / denominator);
}

int32_t chorus_plugin_run(chorus_instance* instance, const float* input, int64_t batch, int64_t input_count,
                          float* output, int64_t output_capacity, int64_t* output_written)
{
    if (output_written != NULL)
        *output_written = 0;
    if (instance == NULL)
    {
        set_create_error("instance is NULL");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (input == NULL || output == NULL || output_written == NULL)
    {
        set_instance_error(instance, "%s is NULL",
                           input == NULL ? "input" : output == NULL ? "output" : "output_written");
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (batch < 1 || batch > INT64_MAX / KNN_PIXELS)
    {
        set_instance_error(instance, "batch is %lld; it must be at least 1", (long long)batch);
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (input_count != batch * KNN_PIXELS)
    {
        set_instance_error(instance,
                           "input_count is %lld but a batch of %lld needs %lld floats (64 pixels per sample)",
                           (long long)input_count, (long long)batch, (long long)(batch * KNN_PIXELS));
        return CHORUS_ERROR_INVALID_ARGUMENT;
    }
    if (output_capacity < batch * KNN_CLASSES)
    {
        set_instance_error(instance,
                           "output_capacity is %lld but a batch of %lld needs %lld floats (10 probabilities per sample)",
                           (long long)output_capacity, (long long)batch, (long long)(batch * KNN_CLASSES));
        return CHORUS_ERROR_BUFFER_TOO_SMALL;
    }
    for (int64_t i = 0; i < input_count; i++)
    {
        if (!isfinite(input[i]))
        {
            set_instance_error(instance, "sample %lld, pixel %d is not a finite number; pixels are counts 0-16",
                               (long long)(i / KNN_PIXELS), (int)(i % KNN_PIXELS));
            return CHORUS_ERROR_INVALID_ARGUMENT;
        }
    }

    neighbour on_stack[KNN_STACK_NEIGHBOURS];
    neighbour* nearest = on_stack;
    if (instance->k > KNN_STACK_NEIGHBOURS)
    {
        nearest = (neighbour*)malloc((size_t)instance->k * sizeof *nearest);
        if (nearest == NULL)
        {
            set_instance_error(instance, "out of memory (k = %d)", (int)instance->k);
            return CHORUS_ERROR_FAILED;
        }
    }
    for (int64_t s = 0; s < batch; s++)
        classify(instance, input + s * KNN_PIXELS, nearest, output + s * KNN_CLASSES);
    if (nearest != on_stack)
        free(nearest);
    *output_written = batch * KNN_CLASSES;
    return CHORUS_OK;
}

const char* chorus_plugin_last_error(const chorus_instance* instance)
{
    if (instance == NULL)
        return tls_create_error;
    if (tls_instance_serial == instance->serial)
        return tls_instance_error;
    /* The lock is logically mutable state of a const instance; it guards only last_error. */
    chorus_instance* shared = (chorus_instance*)instance;
    knn_mutex_lock(&shared->error_lock);
    memcpy(tls_error_copy, shared->last_error, sizeof tls_error_copy);
    knn_mutex_unlock(&shared->error_lock);
    return tls_error_copy;
}

void chorus_plugin_destroy(chorus_instance* instance)
{
    if (instance == NULL)
        return;
    knn_mutex_destroy(&instance->error_lock);
    free_instance(instance);
}
