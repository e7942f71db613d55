using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Chorus.Hosting.Ensembles;
using Chorus.Plugins;

namespace Chorus.Hosting.Remote;

/// <summary>
/// An ensemble member served by another Open Inference Protocol v2 server: the model contract (raw samples in, score rows
/// out) over v2 JSON infer requests. The remote model does its own preprocessing; the samples go as FP32 [batch, size].
/// </summary>
/// <remarks>
/// Thread-safe. The first successful metadata check is kept (input and output names); until then every call checks it
/// first. The <see cref="HttpClient"/> belongs to the host's <see cref="RemoteServers"/>, not to this model.
/// </remarks>
internal sealed class RemoteModel : IModel
{
    private const int MaxErrorTextLength = 500;
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly HttpClient _client;
    private RemoteSchema? _schema;

    public RemoteModel(string id, RemoteMember remote, HttpClient client, int sampleSize)
    {
        Id = id;
        Remote = remote;
        _client = client;
        SampleSize = sampleSize;
    }

    public string Id { get; }

    public RemoteMember Remote { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels => Remote.Labels;

    public int SampleSize { get; }

    /// <summary>Whether the remote metadata has been read and fits.</summary>
    public bool IsVerified => Volatile.Read(ref _schema) is not null;

    private string Name => $"remote member '{Id}' ({Remote})";

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        // With sync: true every await below completes synchronously (HttpClient.Send, Stream.CopyTo), so this is not a wait.
        var call = PredictCoreAsync(samples, batchSize, scores, sync: true, cancellationToken);
        Debug.Assert(call.IsCompleted, "the synchronous path completed synchronously");
        call.GetAwaiter().GetResult();
    }

    /// <summary>The ensemble's path: no thread is held while the remote server works.</summary>
    public Task PredictAsync(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken) =>
        PredictCoreAsync(samples, batchSize, scores, sync: false, cancellationToken).AsTask();

    /// <summary>
    /// Reads the remote metadata now (synchronously, within <paramref name="timeout"/>). Returns null when it fits; the
    /// problem otherwise, with <paramref name="mismatch"/> true when the server answered but its model does not fit
    /// (false: unreachable, timed out, or an error status, which may pass).
    /// </summary>
    public string? Check(TimeSpan timeout, out bool mismatch)
    {
        mismatch = false;
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            var call = VerifyAsync(sync: true, deadline.Token);
            Debug.Assert(call.IsCompleted, "the synchronous path completed synchronously");
            call.GetAwaiter().GetResult();
            return null;
        }
        catch (RemoteModelException ex)
        {
            mismatch = ex.IsMismatch;
            return ex.Message;
        }
        catch (OperationCanceledException)
        {
            return $"{Name}: no answer from {Remote.ModelUrl} within {timeout.TotalMilliseconds:0} ms";
        }
    }

    public void Dispose()
    {
        // The HttpClient is shared per server and owned by the host's RemoteServers.
    }

    private async ValueTask PredictCoreAsync(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, bool sync, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (samples.Length != batchSize * SampleSize)
        {
            throw new ArgumentException($"{Name}: {batchSize} sample(s) of {SampleSize} values need {batchSize * SampleSize} values, got {samples.Length}.", nameof(samples));
        }

        if (scores.Length < batchSize * Labels.Count)
        {
            throw new ArgumentException($"{Name}: the scores buffer holds {scores.Length} values; {batchSize} row(s) of {Labels.Count} need {batchSize * Labels.Count}.", nameof(scores));
        }

        var schema = Volatile.Read(ref _schema) ?? await VerifyAsync(sync, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, Remote.InferUrl)
        {
            Content = new ByteArrayContent(InferBody(schema, samples.Span, batchSize)) { Headers = { ContentType = s_json } },
        };
        var (status, body) = await SendAsync(request, sync, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            if (status is 400 or 404)
            {
                // The model may have been replaced on the server (other input name, other width): check again next time.
                Volatile.Write(ref _schema, null);
            }

            throw new RemoteModelException(Id, $"{Name}: POST {Remote.InferUrl} answered {status}: {ErrorText(body)}", status);
        }

        ReadScores(body, schema, batchSize, scores.Span[..(batchSize * Labels.Count)]);
    }

    /// <summary>GET the model metadata; check one FP32 input [-1, SampleSize] and an FP32 output [-1, labels].</summary>
    private async ValueTask<RemoteSchema> VerifyAsync(bool sync, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Remote.ModelUrl);
        var (status, body) = await SendAsync(request, sync, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            throw new RemoteModelException(Id, $"{Name}: GET {Remote.ModelUrl} (model metadata) answered {status}: {ErrorText(body)}", status);
        }

        RemoteSchema schema;
        try
        {
            using var document = JsonDocument.Parse(body);
            schema = RemoteSchema.Read(document.RootElement, Remote, SampleSize);
        }
        catch (JsonException ex)
        {
            throw Mismatch($"the model metadata from {Remote.ModelUrl} is not valid JSON: {ex.Message}", status);
        }
        catch (FormatException ex)
        {
            throw Mismatch(ex.Message, status);
        }

        Volatile.Write(ref _schema, schema);
        return schema;
    }

    private RemoteModelException Mismatch(string problem, int status) =>
        new(Id, $"{Name}: {problem}", status) { IsMismatch = true };

    private async ValueTask<(int Status, byte[] Body)> SendAsync(HttpRequestMessage request, bool sync, CancellationToken cancellationToken)
    {
        if (Remote.ApiKey is { } key)
        {
            if (string.Equals(Remote.ApiKeyHeader, RemoteMember.DefaultApiKeyHeader, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(Remote.ApiKeyHeader, key);
            }
        }

        try
        {
            using var response = sync
                ? _client.Send(request, HttpCompletionOption.ResponseContentRead, cancellationToken)
                : await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            byte[] body;
            if (sync)
            {
                using var stream = response.Content.ReadAsStream(cancellationToken);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                body = copy.ToArray();
            }
            else
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }

            return ((int)response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            // The connection error (refused, reset, name not resolved) names the address; the request's headers, and so the key, are not in it.
            throw new RemoteModelException(Id, $"{Name}: cannot reach {request.RequestUri}: {ex.Message}", null, ex);
        }
    }

    private byte[] InferBody(RemoteSchema schema, ReadOnlySpan<float> samples, int batchSize)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (samples.Length * 8));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            writer.WriteStartObject();
            writer.WriteString("name", schema.InputName);
            writer.WriteStartArray("shape");
            writer.WriteNumberValue(batchSize);
            writer.WriteNumberValue(SampleSize);
            writer.WriteEndArray();
            writer.WriteString("datatype", "FP32");
            writer.WriteStartArray("data");
            foreach (var value in samples)
            {
                if (!float.IsFinite(value))
                {
                    throw new ArgumentException($"{Name}: the samples hold {value.ToString(CultureInfo.InvariantCulture)}, which JSON cannot carry; send finite values.", nameof(samples));
                }

                writer.WriteNumberValue(value);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            writer.WriteStartObject();
            writer.WriteString("name", schema.OutputName);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the chosen output of a v2 response into <paramref name="scores"/> (batch × labels).</summary>
    private void ReadScores(byte[] body, RemoteSchema schema, int batchSize, Span<float> scores)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the response has no 'outputs' array");
            }

            var output = outputs.EnumerateArray().FirstOrDefault(o => o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == schema.OutputName);
            if (output.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"the response has no output '{schema.OutputName}'");
            }

            var width = Labels.Count;
            var shape = output.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().Select(d => d.TryGetInt64(out var v) ? v : -2).ToArray()
                : [];
            if (shape is not [var rows, var columns] || rows != batchSize || columns != width)
            {
                throw new FormatException($"output '{schema.OutputName}' has shape [{string.Join(", ", shape)}]; expected [{batchSize}, {width}] ({batchSize} sample(s) × {width} labels)");
            }

            if (!output.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"output '{schema.OutputName}' has no 'data' array (binary outputs are not asked for, so JSON data is expected)");
            }

            var count = 0;
            Flatten(data, scores, ref count);
            if (count != scores.Length)
            {
                throw new FormatException($"output '{schema.OutputName}' has {count} values; shape [{batchSize}, {width}] needs {scores.Length}");
            }
        }
        catch (JsonException ex)
        {
            throw new RemoteModelException(Id, $"{Name}: the answer from {Remote.InferUrl} is not valid JSON: {ex.Message}", 200, ex);
        }
        catch (FormatException ex)
        {
            throw new RemoteModelException(Id, $"{Name}: the answer from {Remote.InferUrl} does not fit: {ex.Message}", 200, ex);
        }
    }

    /// <summary>v2 data may be flat or nested row-major; both fill the same values.</summary>
    private static void Flatten(JsonElement element, Span<float> scores, ref int count)
    {
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, scores, ref count);
                continue;
            }

            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var value))
            {
                throw new FormatException($"value {count} of the output is {item.GetRawText()}, not a number");
            }

            if (count < scores.Length)
            {
                scores[count] = (float)value;
            }

            count++;
        }
    }

    /// <summary>The v2 error text (<c>{"error": "..."}</c>), or the start of whatever the body held.</summary>
    private static string ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, plain text): show its start below.
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxErrorTextLength)).Trim();
        return text.Length == 0 ? "(empty body)" : body.Length > MaxErrorTextLength ? text + "…" : text;
    }
}
