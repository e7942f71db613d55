using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Chorus.Hosting;
using Chorus.Hosting.Plugins;
using Chorus.Server.Ui;
using Chorus.Hosting.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chorus.Server;

/// <summary>
/// Serves a <see cref="ChorusHost"/> over HTTP with the Open Inference Protocol v2 (the REST protocol of KServe and
/// Triton): health, server and model metadata, and inference on every loaded plugin model and every ensemble.
/// </summary>
/// <remarks>
/// The caller owns the host and disposes it after the server. Requests run concurrently (models and ensembles are
/// thread-safe). Endpoints and error codes are listed in docs/serving.md.
/// </remarks>
public sealed partial class ChorusServer : IAsyncDisposable
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = 64 };
    private static readonly string s_version = ServerVersion();

    /// <summary>The header that gives the JSON length when binary tensor data follows it (binary tensor data extension).</summary>
    private const string HeaderLengthHeader = "Inference-Header-Content-Length";

    // Responses are application/json, never HTML: keep quotes and '<' readable in error messages.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ChorusHost _host;
    private readonly ChorusServerOptions _options;
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);

    // The model set is fixed at construction, so the metrics need no lock: only their counters change.
    private readonly Dictionary<ServedModel, ModelMetrics> _metrics = [];
    private readonly byte[]? _apiKey;
    private readonly ILogger _logger;
    private readonly WebApplication _app;
    private bool _started;

    /// <summary>Creates a server for <paramref name="host"/>; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="host">The host whose models and ensembles to serve; the caller keeps ownership.</param>
    /// <param name="options">Addresses, limits and the optional API key.</param>
    /// <param name="loggerFactory">Receives request failures (500s); none when null.</param>
    public ChorusServer(ChorusHost host, ChorusServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxRequestBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxTensorElements);
        _host = host;
        _options = options;
        _apiKey = string.IsNullOrEmpty(options.ApiKey) ? null : Encoding.UTF8.GetBytes(options.ApiKey);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Chorus.Server");

        // Plugin ids come first; an ensemble whose id equals a plugin id is not served (docs/serving.md).
        ValidateBatching(host, options);
        foreach (var record in host.Catalog.Plugins)
        {
            // Copied, so changing the options after construction changes nothing.
            var batching = options.Batching.TryGetValue(record.Id, out var given)
                ? new DynamicBatchingOptions { MaxBatchSize = given.MaxBatchSize, MaxQueueDelay = given.MaxQueueDelay }
                : null;
            _models.TryAdd(record.Id, new ServedPlugin(host.Catalog, record, batching));
        }

        foreach (var ensemble in host.Ensembles)
        {
            _models.TryAdd(ensemble.Id, new ServedEnsemble(ensemble, host));
        }

        foreach (var model in _models.Values)
        {
            _metrics.Add(model, model.Metrics);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ChorusServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        _app = builder.Build();
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            _app.Urls.Add(url);
        }

        _app.UseRouting();
        _app.Use(HandleErrorsAndKeyAsync);
        MapEndpoints(_app);
    }

    /// <summary>The names served under <c>/v2/models/{name}</c>: plugin ids (loaded or not) and ensemble ids.</summary>
    public IReadOnlyCollection<string> ModelNames => _models.Keys;

    /// <summary>The addresses the server listens on (actual ports once started).</summary>
    public IReadOnlyList<string> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>Starts listening; returns the first bound address (with the real port when the URL asked for port 0).</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
        var addresses = Addresses;
        return addresses.Count > 0 ? addresses[0] : _options.Urls;
    }

    /// <summary>Stops listening, letting running requests finish until <paramref name="cancellationToken"/> fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            _started = false;
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server (not the host). Requests already queued in a dynamic batcher still run.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var plugin in _models.Values.OfType<ServedPlugin>())
        {
            plugin.StopBatching();
        }
    }

    /// <summary>Batching may name only plugin models this server serves, with valid values; checked before anything is built.</summary>
    private static void ValidateBatching(ChorusHost host, ChorusServerOptions options)
    {
        foreach (var (id, batching) in options.Batching)
        {
            if (host.Catalog.Find(id) is null)
            {
                var plugins = string.Join(", ", host.Catalog.Plugins.Select(p => p.Id).DefaultIfEmpty("(none)"));
                var why = host.Ensembles.Any(e => e.Id == id)
                    ? $"'{id}' is an ensemble, and ensembles are not batched (their members run each request's rows); batch a member plugin instead"
                    : $"there is no plugin '{id}'";
                throw new ArgumentException($"dynamic batching names '{id}', but {why}. Plugins: {plugins}.", nameof(options));
            }

            ArgumentNullException.ThrowIfNull(batching, $"{nameof(options)}.{nameof(ChorusServerOptions.Batching)}[{id}]");
            batching.Validate(id);
        }
    }

    private void MapEndpoints(WebApplication app)
    {
        // Reference §(b) table: server live / ready / metadata.
        app.MapGet("/v2", context => WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", "chorus");
            writer.WriteString("version", s_version);
            writer.WriteStartArray("extensions");
            writer.WriteStringValue("binary_tensor_data");
            writer.WriteStringValue("model_repository");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }));
        app.MapGet("/v2/health/live", context => Status(context, 200));
        app.MapGet("/v2/health/ready", context => Status(context, _host.Catalog.Plugins.Any(p => p.Status == PluginStatus.Loaded) ? 200 : 503));

        // Model metadata, readiness and inference, with or without a version segment.
        foreach (var prefix in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            app.MapGet(prefix, context => WriteMetadataAsync(context, Resolve(context)));
            app.MapGet(prefix + "/ready", context => Status(context, Resolve(context).Unavailable is null ? 200 : 503));
            app.MapPost(prefix + "/infer", InferAsync);
        }

        // Triton's model repository extension (reference §(b) table rows "Triton: repo index / load / unload").
        app.MapPost("/v2/repository/index", WriteRepositoryIndexAsync);
        app.MapPost("/v2/repository/models/{name}/load", LoadAsync);
        app.MapPost("/v2/repository/models/{name}/unload", UnloadAsync);

        app.MapGet("/metrics", async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = PrometheusExposition.ContentType;
            await context.Response.WriteAsync(PrometheusExposition.Write([.. _metrics.Values]), context.RequestAborted).ConfigureAwait(false);
        });

        VisualizerEndpoints.Map(app, _host, _options);

        app.MapFallback(context => throw ProtocolException.NotFound($"no endpoint {context.Request.Method} {context.Request.Path}; see docs/serving.md."));
    }

    private async Task HandleErrorsAndKeyAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            if (_apiKey is not null && !context.Request.Path.StartsWithSegments("/v2/health", StringComparison.Ordinal)
                && !VisualizerEndpoints.IsPublicAsset(context.Request, _options) && !HasApiKey(context.Request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                throw new ProtocolException(401, "this server needs an API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'.");
            }

            await next(context).ConfigureAwait(false);
        }
        catch (ProtocolException ex)
        {
            await WriteErrorAsync(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits: 413 for a body over MaxRequestBodyBytes, 400 for a malformed request.
            var message = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the request body is larger than the server's limit of {_options.MaxRequestBodyBytes} bytes."
                : ex.Message;
            await WriteErrorAsync(context, ex.StatusCode, message).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, 400, $"the request body is not valid JSON: {ex.Message}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
#pragma warning disable CA1031 // A request must never take the server down; the failure is logged and answered as 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRequestFailed(_logger, ex, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            await WriteErrorAsync(context, 500, $"internal error: {ex.Message}").ConfigureAwait(false);
        }
    }

    private bool HasApiKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : request.Headers["x-api-key"].ToString();
        return key.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), _apiKey);
    }

    private ServedModel Resolve(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? string.Empty;
        if (!IsValidName(name))
        {
            throw ProtocolException.BadRequest("a model name may hold only letters, digits, '.', '_' and '-' (no '..'), up to 128 characters.");
        }

        if (!_models.TryGetValue(name, out var model))
        {
            throw ProtocolException.NotFound($"there is no model '{name}'. Served: {string.Join(", ", _models.Keys.DefaultIfEmpty("(none)"))}.");
        }

        if (context.Request.RouteValues["version"] is string version && version != model.Version)
        {
            throw ProtocolException.NotFound($"model '{name}' has no version '{version}'; it has '{model.Version}'.");
        }

        return model;
    }

    private async Task WriteRepositoryIndexAsync(HttpContext context)
    {
        var body = await ReadOptionalJsonAsync(context).ConfigureAwait(false);
        var readyOnly = false;
        if (body is { } root && root.TryGetProperty("ready", out var ready))
        {
            readyOnly = ready.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw ProtocolException.BadRequest("'ready' must be true or false."),
            };
        }

        await WriteJsonAsync(context, 200, writer =>
        {
            // Reference: 200 [{"name","version"?,"state","reason"}]; states READY and UNAVAILABLE.
            writer.WriteStartArray();
            foreach (var model in _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var unavailable = model.Unavailable;
                if (readyOnly && unavailable is not null)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("name", model.Name);
                writer.WriteString("version", model.Version);
                writer.WriteString("state", unavailable is null ? "READY" : "UNAVAILABLE");
                writer.WriteString("reason", unavailable ?? (model is ServedEnsemble { MissingMembers: { Count: > 0 } missing }
                    ? $"degraded: member(s) {string.Join(", ", missing)} are not loaded"
                    : string.Empty));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task LoadAsync(HttpContext context)
    {
        var name = RepositoryPlugin(context);
        if (await ReadOptionalJsonAsync(context).ConfigureAwait(false) is { } root
            && root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.EnumerateObject().Any(p => p.Name == "config" || p.Name.StartsWith("file:", StringComparison.Ordinal)))
        {
            throw ProtocolException.BadRequest($"loading '{name}' with a 'config' or 'file:' override is not supported; Chorus loads a plugin from its folder (edit plugin.json there).");
        }

        // Reads plugin.json and the model files: off the request thread's synchronous path.
        await Task.Run(() =>
        {
            try
            {
                _host.Catalog.Reload(name);
            }
            catch (ChorusException ex)
            {
                throw ProtocolException.BadRequest($"failed to load '{name}': {ex.Message}");
            }
        }, context.RequestAborted).ConfigureAwait(false);
        await Status(context, 200).ConfigureAwait(false);
    }

    private async Task UnloadAsync(HttpContext context)
    {
        var name = RepositoryPlugin(context);

        // 'unload_dependents' is accepted and ignored: an ensemble is not unloaded with its members, it runs degraded.
        if (await ReadOptionalJsonAsync(context).ConfigureAwait(false) is { } root && root.TryGetProperty("parameters", out var parameters)
            && parameters.ValueKind != JsonValueKind.Object)
        {
            throw ProtocolException.BadRequest("'parameters' must be an object.");
        }

        try
        {
            _host.Catalog.Unload(name);
        }
        catch (ChorusException ex)
        {
            throw ProtocolException.BadRequest($"failed to unload '{name}': {ex.Message}");
        }

        await Status(context, 200).ConfigureAwait(false);
    }

    /// <summary>The plugin a repository request names; errors are 400, as the reference lists for these endpoints.</summary>
    private string RepositoryPlugin(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string;
        if (!IsValidName(name))
        {
            throw ProtocolException.BadRequest("a model name may hold only letters, digits, '.', '_' and '-' (no '..'), up to 128 characters.");
        }

        return _models.TryGetValue(name, out var model) switch
        {
            false => throw ProtocolException.BadRequest($"there is no model '{name}' in the repository. Served: {string.Join(", ", _models.Keys.DefaultIfEmpty("(none)"))}."),
            true when model is ServedEnsemble => throw ProtocolException.BadRequest(
                $"'{name}' is an ensemble, built from its file at startup; load or unload its members instead (it runs degraded without them)."),
            _ => name,
        };
    }

    /// <summary>The request's JSON object, or null when the body is empty (the repository endpoints' bodies are optional).</summary>
    private static async Task<JsonElement?> ReadOptionalJsonAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        using var document = JsonDocument.Parse(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), s_jsonOptions);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? document.RootElement.Clone()
            : throw ProtocolException.BadRequest("the request body must be a JSON object.");
    }

    private async Task InferAsync(HttpContext context)
    {
        var model = Resolve(context);
        var metrics = _metrics[model];
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (model.Unavailable is { } reason)
            {
                throw new ProtocolException(503, reason);
            }

            var request = await ReadRequestAsync(context, model).ConfigureAwait(false);
            var computeStarted = Stopwatch.GetTimestamp();
            InferenceResult result;
            try
            {
                result = await model.InferAsync(request, context.RequestAborted).ConfigureAwait(false);
            }
            finally
            {
                // A batched request's time in the queue is not compute: it goes to its own histogram.
                var elapsed = Stopwatch.GetElapsedTime(computeStarted);
                if (request.QueueDuration is { } queued)
                {
                    metrics.QueueDuration.Observe(queued);
                    elapsed -= queued;
                }

                metrics.ComputeDuration.Observe(elapsed);
                if (model is ServedEnsemble)
                {
                    metrics.RecordExecution(request.BatchSize);
                }
            }

            await WriteInferenceResponseAsync(context, model, request, result).ConfigureAwait(false);
            metrics.RecordSuccess(request, result);
        }
        catch (Exception ex)
        {
            metrics.RecordFailure(ex switch
            {
                OperationCanceledException when context.RequestAborted.IsCancellationRequested => FailureReason.Canceled,
                ProtocolException { StatusCode: < 500 } or BadHttpRequestException or JsonException => FailureReason.Other,
                _ => FailureReason.Backend,
            });
            throw;
        }
        finally
        {
            metrics.RequestDuration.Observe(Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>
    /// Reads the body: JSON alone, or with <c>Inference-Header-Content-Length</c> a JSON header followed by binary tensor
    /// data (or, when the header is 0, one input's raw bytes).
    /// </summary>
    private async Task<InferenceRequest> ReadRequestAsync(HttpContext context, ServedModel model)
    {
        if (context.Request.ContentLength > _options.MaxRequestBodyBytes)
        {
            throw new ProtocolException(413, $"the request body is larger than the server's limit of {_options.MaxRequestBodyBytes} bytes.");
        }

        var headerValues = context.Request.Headers[HeaderLengthHeader];
        if (headerValues.Count == 0)
        {
            if (context.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                throw ProtocolException.BadRequest(
                    $"a binary request (application/octet-stream) needs the '{HeaderLengthHeader}' header giving the length of its JSON header.");
            }

            using var document = await JsonDocument.ParseAsync(context.Request.Body, s_jsonOptions, context.RequestAborted).ConfigureAwait(false);
            return InferenceRequestReader.Read(document.RootElement, model, _options.MaxTensorElements, binary: null);
        }

        if (headerValues.Count != 1 || !long.TryParse(headerValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out var jsonLength))
        {
            throw ProtocolException.BadRequest($"'{HeaderLengthHeader}' must be one non-negative integer (the JSON header's length in bytes); got '{headerValues}'.");
        }

        // Kestrel stops the copy with 413 past MaxRequestBodyBytes, so the buffer stays bounded.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (jsonLength > body.Length)
        {
            throw ProtocolException.BadRequest($"'{HeaderLengthHeader}' is {jsonLength} bytes but the whole body is only {body.Length}.");
        }

        if (jsonLength == 0)
        {
            return InferenceRequestReader.ReadRaw(body.Span, model);
        }

        using (var document = JsonDocument.Parse(body[..(int)jsonLength], s_jsonOptions))
        {
            return InferenceRequestReader.Read(document.RootElement, model, _options.MaxTensorElements, body[(int)jsonLength..]);
        }
    }

    private static async Task WriteInferenceResponseAsync(HttpContext context, ServedModel model, InferenceRequest request, InferenceResult result)
    {
        var json = new ArrayBufferWriter<byte>();
        var binary = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, s_writerOptions))
        {
            InferenceResponseWriter.Write(writer, model, request, result, binary);
        }

        context.Response.StatusCode = 200;
        if (binary.WrittenCount == 0 && !result.Outputs.Any(o => request.IsBinary(o.Name)))
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = json.WrittenCount;
            await context.Response.Body.WriteAsync(json.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // Binary tensor data extension: the JSON header, then each binary output's bytes in JSON order.
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers[HeaderLengthHeader] = json.WrittenCount.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentLength = json.WrittenCount + binary.WrittenCount;
        await context.Response.Body.WriteAsync(json.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(binary.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static Task WriteMetadataAsync(HttpContext context, ServedModel model) => WriteJsonAsync(context, 200, writer =>
    {
        // Reference §(b): $metadata_model_response.
        writer.WriteStartObject();
        writer.WriteString("name", model.Name);
        writer.WriteStartArray("versions");
        writer.WriteStringValue(model.Version);
        writer.WriteEndArray();
        writer.WriteString("platform", model.Platform);
        writer.WriteStartArray("inputs");
        WriteTensorMetadata(writer, model.InputName, "FP32", [-1, model.SampleSize]);
        writer.WriteEndArray();
        writer.WriteStartArray("outputs");
        foreach (var (name, datatype, shape) in model.Outputs)
        {
            WriteTensorMetadata(writer, name, datatype, shape);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static void WriteTensorMetadata(Utf8JsonWriter writer, string name, string datatype, int[] shape)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", datatype);
        writer.WriteStartArray("shape");
        foreach (var dimension in shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Health and readiness answer with the status only and an empty body, as Triton does (reference: "Health body discrepancy").</summary>
    private static Task Status(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static Task WriteErrorAsync(HttpContext context, int statusCode, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        if (statusCode == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return WriteJsonAsync(context, statusCode, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        });
    }

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, s_writerOptions))
        {
            write(writer);
            writer.Flush();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    internal static bool IsValidName([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || name.Contains("..", StringComparison.Ordinal) || name[0] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string ServerVersion()
    {
        var version = typeof(ChorusServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string method, string path);
}
