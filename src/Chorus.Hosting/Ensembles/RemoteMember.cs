using System.Text.Json;

namespace Chorus.Hosting.Ensembles;

/// <summary>
/// Where a remote ensemble member lives: a model on another Open Inference Protocol v2 server (Chorus, Triton, KServe),
/// named in the ensemble file by <c>"url"</c> and <c>"model"</c> (docs/hosting.md, "Remote members").
/// </summary>
/// <remarks>
/// A plain v2 server's metadata has no labels, so the ensemble file declares the remote output's column labels.
/// The API key, when there is one, is sent with every request and never appears in <see cref="ToString"/>, messages or logs.
/// </remarks>
public sealed class RemoteMember
{
    /// <summary>The header the key goes in unless the file names another (<c>Authorization: Bearer KEY</c>).</summary>
    public const string DefaultApiKeyHeader = "Authorization";

    internal RemoteMember(Uri serverUrl, string model, string? version, IReadOnlyList<string> labels, string? inputName, string? outputName,
        int? sampleSize, string? apiKey, string apiKeyHeader)
    {
        ServerUrl = serverUrl;
        Model = model;
        Version = version;
        Labels = labels;
        InputName = inputName;
        OutputName = outputName;
        SampleSize = sampleSize;
        ApiKey = apiKey;
        ApiKeyHeader = apiKeyHeader;
        var path = $"v2/models/{Uri.EscapeDataString(model)}" + (version is null ? string.Empty : $"/versions/{Uri.EscapeDataString(version)}");
        ModelUrl = new Uri(serverUrl, path);
        InferUrl = new Uri(serverUrl, path + "/infer");
    }

    /// <summary>The server's base URL (absolute http or https, ending in '/'); the v2 paths are relative to it.</summary>
    public Uri ServerUrl { get; }

    /// <summary>The model's name on that server.</summary>
    public string Model { get; }

    /// <summary>The model version to call; null = the server's default.</summary>
    public string? Version { get; }

    /// <summary>The labels of the remote output's columns, in column order (aligned to the ensemble's labels by name).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The input tensor's name; null = the only input in the remote model's metadata.</summary>
    public string? InputName { get; }

    /// <summary>The output tensor holding the scores; null = the only FP32 output (or <c>scores</c>) in the metadata.</summary>
    public string? OutputName { get; }

    /// <summary>Values per sample, when the file gives it; otherwise the local members' or the remote metadata's.</summary>
    public int? SampleSize { get; }

    /// <summary>Whether requests carry an API key.</summary>
    public bool HasApiKey => ApiKey is not null;

    /// <summary>The header the API key is sent in (<c>Authorization</c> sends <c>Bearer KEY</c>; any other header the key itself).</summary>
    public string ApiKeyHeader { get; }

    /// <summary><c>SERVER/v2/models/MODEL[/versions/VERSION]</c>: the metadata URL.</summary>
    public Uri ModelUrl { get; }

    /// <summary>The inference URL (<see cref="ModelUrl"/> + <c>/infer</c>).</summary>
    public Uri InferUrl { get; }

    internal string? ApiKey { get; }

    /// <inheritdoc />
    public override string ToString() => $"model '{Model}'{(Version is null ? string.Empty : $" version '{Version}'")} at {ServerUrl}";

    /// <summary>Reads the remote part of a member entry; adds a sentence per problem (naming <paramref name="where"/>).</summary>
    internal static RemoteMember? Read(JsonElement member, string where, List<string> problems)
    {
        var count = problems.Count;
        var urlText = Text(member, "url", where, problems);
        Uri? url = null;
        if (string.IsNullOrWhiteSpace(urlText))
        {
            problems.Add($"{where} needs 'url', the remote server's base URL (e.g. \"http://gpu-box:8000\")");
        }
        else if (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{where} has url '{urlText}'; it must be an absolute http:// or https:// URL such as \"http://gpu-box:8000\"");
        }
        else if (url.UserInfo.Length > 0)
        {
            problems.Add($"{where} has a user name or password in its url; put the key in 'apiKey' or 'apiKeyEnv' instead");
        }
        else if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            problems.Add($"{where} has url '{urlText}' with a query or fragment; give the server's base URL only");
        }

        var model = Text(member, "model", where, problems);
        if (model is null)
        {
            problems.Add($"{where} needs 'model', the model's name on the remote server");
        }
        else if (!IsValidName(model))
        {
            problems.Add($"{where} has model '{model}'; a model name holds only letters, digits, '.', '_' and '-' (no '..'), up to 128 characters");
        }

        var version = Text(member, "version", where, problems);
        if (version is not null && !IsValidName(version))
        {
            problems.Add($"{where} has version '{version}'; a version holds only letters, digits, '.', '_' and '-'");
        }

        var labels = new List<string>();
        if (member.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind == JsonValueKind.Array)
        {
            labels.AddRange(labelsElement.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()! : l.GetRawText()));
        }

        if (labels.Count == 0)
        {
            problems.Add($"{where} needs 'labels': the remote output's column labels in column order (v2 metadata has none)");
        }
        else if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            problems.Add($"{where} lists a label more than once in 'labels'");
        }

        int? sampleSize = null;
        if (member.TryGetProperty("sampleSize", out var sizeElement))
        {
            if (sizeElement.ValueKind == JsonValueKind.Number && sizeElement.TryGetInt32(out var size) && size > 0)
            {
                sampleSize = size;
            }
            else
            {
                problems.Add($"{where} has 'sampleSize' {sizeElement.GetRawText()}; it must be a positive whole number");
            }
        }

        var apiKey = Text(member, "apiKey", where, problems);
        var apiKeyEnv = Text(member, "apiKeyEnv", where, problems);
        if (apiKey is not null && apiKeyEnv is not null)
        {
            problems.Add($"{where} gives both 'apiKey' and 'apiKeyEnv'; keep one");
        }
        else if (apiKeyEnv is not null)
        {
            apiKey = Environment.GetEnvironmentVariable(apiKeyEnv);
            if (string.IsNullOrEmpty(apiKey))
            {
                problems.Add($"{where} reads its API key from environment variable '{apiKeyEnv}', which is not set; set it or remove 'apiKeyEnv'");
            }
        }

        var header = Text(member, "apiKeyHeader", where, problems) ?? DefaultApiKeyHeader;
        if (header.Length == 0 || header.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            problems.Add($"{where} has apiKeyHeader '{header}'; a header name holds only letters, digits and '-'");
        }

        var input = Text(member, "input", where, problems);
        var output = Text(member, "output", where, problems);
        if (problems.Count > count)
        {
            return null;
        }

        // A base URL with a path prefix (a KServe ingress) keeps its prefix: the v2 paths are resolved relative to it.
        var baseUrl = url!.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        return new RemoteMember(baseUrl, model!, version, labels, input, output, sampleSize, string.IsNullOrEmpty(apiKey) ? null : apiKey, header);
    }

    /// <summary>The rule the server applies to model names (letters, digits, '.', '_', '-'; no '..'; at most 128).</summary>
    internal static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128 && name[0] != '.' && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string? Text(JsonElement member, string name, string where, List<string> problems)
    {
        if (!member.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            // Never echo a key back, even a malformed one.
            problems.Add($"{where} has '{name}' {(name == "apiKey" ? "(value not shown)" : value.GetRawText())}; it must be a string");
            return null;
        }

        return value.GetString();
    }
}
