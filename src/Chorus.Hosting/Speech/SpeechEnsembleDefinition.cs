using System.Globalization;
using System.Text.Json;
using Chorus.Fusion.Frames;
using Chorus.Hosting.Ensembles;

namespace Chorus.Hosting.Speech;

/// <summary>
/// A speech ensemble file (<c>NAME.speech.json</c> beside the plugins): streaming members with weights, how their frames
/// are fused on one grid, and how fused frames become speech segments.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "id": "speech",
///   "members": [ { "plugin": "silero-vad-v5", "weight": 1 }, { "plugin": "silero-vad-v4", "weight": 1 }, "energy-vad" ],
///   "fusion": { "mode": "soft", "gridHopSeconds": 0.032, "binarizeThreshold": 0.5 },
///   "segmenter": { "onset": 0.5, "offset": 0.35, "minSpeechSeconds": 0.25, "minSilenceSeconds": 0.1, "padSeconds": 0.03 },
///   "minMembers": 2
/// }
/// </code>
/// Every field but <c>id</c> and <c>members</c> is optional (the defaults are <see cref="FrameFusionOptions"/>'s and
/// <see cref="SpeechSegmenterOptions"/>'s, and all members). Speech ensembles use their own file suffix so that the
/// classification ensemble loader (<c>*.ensemble.json</c>) never sees them.
/// </remarks>
public sealed record SpeechEnsembleDefinition
{
    /// <summary>The file name suffix the host scans plugin folders for.</summary>
    public const string FileSuffix = ".speech.json";

    /// <summary>The ensemble id.</summary>
    public required string Id { get; init; }

    /// <summary>The members, in order (member index = position).</summary>
    public required IReadOnlyList<EnsembleMember> Members { get; init; }

    /// <summary>Grid, mode and binarize threshold (the weights are the members').</summary>
    public required FrameFusionOptions Fusion { get; init; }

    /// <summary>How fused frames become segments.</summary>
    public required SpeechSegmenterOptions Segmenter { get; init; }

    /// <summary>The least number of members that must load for the ensemble to load.</summary>
    public int MinMembers { get; init; } = 1;

    /// <summary>The file read (empty when made in code).</summary>
    public string FilePath { get; init; } = string.Empty;

    /// <summary>Reads and validates a speech ensemble file; every problem is listed in the exception.</summary>
    /// <exception cref="EnsembleLoadException">The file is missing, not JSON, or breaks the rules.</exception>
    public static SpeechEnsembleDefinition Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new EnsembleLoadException(full, ["the file does not exist"]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new EnsembleLoadException(full, [string.Create(CultureInfo.InvariantCulture, $"is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}")], ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var problems = new List<string>();
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EnsembleLoadException(full, ["must be a JSON object"]);
            }

            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(idElement.GetString())
                ? idElement.GetString()!
                : null;
            if (id is null)
            {
                problems.Add("'id' is required (a non-empty string)");
            }

            var members = ReadMembers(root, problems);
            var fusion = ReadFusion(root, members, problems);
            var segmenter = ReadSegmenter(root, problems);
            var minMembers = root.TryGetProperty("minMembers", out var min)
                ? (min.ValueKind == JsonValueKind.Number && min.TryGetInt32(out var m) && m >= 1 && m <= Math.Max(1, members.Count) ? m : Problem(problems, $"'minMembers' must be an integer from 1 to the number of members ({members.Count})", 1))
                : 1;
            if (problems.Count > 0)
            {
                throw new EnsembleLoadException(full, problems);
            }

            return new SpeechEnsembleDefinition { Id = id!, Members = members, Fusion = fusion, Segmenter = segmenter, MinMembers = minMembers, FilePath = full };
        }
    }

    private static List<EnsembleMember> ReadMembers(JsonElement root, List<string> problems)
    {
        var members = new List<EnsembleMember>();
        if (!root.TryGetProperty("members", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            problems.Add("'members' must be a non-empty array of plugin ids or { \"plugin\": id, \"weight\": w } objects");
            return members;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
            {
                members.Add(new EnsembleMember(item.GetString()!, 1.0));
            }
            else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("plugin", out var plugin) && plugin.ValueKind == JsonValueKind.String)
            {
                var weight = 1.0;
                if (item.TryGetProperty("weight", out var w) && !(w.ValueKind == JsonValueKind.Number && (weight = w.GetDouble()) >= 0 && double.IsFinite(weight)))
                {
                    problems.Add($"members[{index}].weight must be a finite number ≥ 0");
                }

                members.Add(new EnsembleMember(plugin.GetString()!, weight));
            }
            else
            {
                problems.Add($"members[{index}] must be a plugin id or an object with 'plugin' (and optional 'weight')");
            }

            index++;
        }

        foreach (var duplicate in members.GroupBy(m => m.PluginId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"member '{duplicate.Key}' is listed more than once");
        }

        return members;
    }

    private static FrameFusionOptions ReadFusion(JsonElement root, List<EnsembleMember> members, List<string> problems)
    {
        var defaults = new FrameFusionOptions();
        var mode = defaults.Mode;
        var hop = defaults.GridHopSeconds;
        var threshold = (double)defaults.BinarizeThreshold;
        if (root.TryGetProperty("fusion", out var fusion))
        {
            if (fusion.ValueKind != JsonValueKind.Object)
            {
                problems.Add("'fusion' must be an object");
            }
            else
            {
                if (fusion.TryGetProperty("mode", out var m))
                {
                    var text = m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    if (string.Equals(text, "soft", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = FrameFusionMode.Soft;
                    }
                    else if (string.Equals(text, "hard", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = FrameFusionMode.Hard;
                    }
                    else
                    {
                        problems.Add($"fusion.mode is {m.GetRawText()}; use \"soft\" (weighted mean of probabilities) or \"hard\" (weighted vote of binarized frames)");
                    }
                }

                hop = Number(fusion, "gridHopSeconds", hop, 0.001, 1.0, "fusion", problems);
                threshold = Number(fusion, "binarizeThreshold", threshold, 0, 1, "fusion", problems);
            }
        }

        return new FrameFusionOptions { Mode = mode, GridHopSeconds = hop, BinarizeThreshold = (float)threshold, Weights = members.Select(m => m.Weight).ToArray() };
    }

    private static SpeechSegmenterOptions ReadSegmenter(JsonElement root, List<string> problems)
    {
        var d = new SpeechSegmenterOptions();
        if (!root.TryGetProperty("segmenter", out var s))
        {
            return d;
        }

        if (s.ValueKind != JsonValueKind.Object)
        {
            problems.Add("'segmenter' must be an object");
            return d;
        }

        var onset = Number(s, "onset", d.Onset, 0, 1, "segmenter", problems);
        float? offset = s.TryGetProperty("offset", out var o) && o.ValueKind != JsonValueKind.Null ? (float)Number(s, "offset", onset, 0, onset, "segmenter", problems) : null;
        return new SpeechSegmenterOptions
        {
            Onset = (float)onset,
            Offset = offset,
            MinSpeechSeconds = Number(s, "minSpeechSeconds", d.MinSpeechSeconds, 0, 60, "segmenter", problems),
            MinSilenceSeconds = Number(s, "minSilenceSeconds", d.MinSilenceSeconds, 0, 60, "segmenter", problems),
            PadSeconds = Number(s, "padSeconds", d.PadSeconds, 0, 10, "segmenter", problems),
        };
    }

    private static double Number(JsonElement parent, string name, double fallback, double min, double max, string where, List<string> problems)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max)
        {
            return number;
        }

        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}.{name} is {value.GetRawText()}; it must be a number from {min} to {max}"));
        return fallback;
    }

    private static int Problem(List<string> problems, string problem, int fallback)
    {
        problems.Add(problem);
        return fallback;
    }
}
