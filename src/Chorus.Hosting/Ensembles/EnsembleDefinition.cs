using System.Text.Json;
using Chorus.Plugins;

namespace Chorus.Hosting.Ensembles;

/// <summary>
/// An ensemble as data: its label set, members, fusion strategy and policy, read from an ensemble file
/// (<c>NAME.ensemble.json</c> beside the plugins).
/// </summary>
/// <remarks>
/// <code>
/// {
///   "id": "digits",
///   "labels": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
///   "members": [ { "plugin": "digits-logreg" }, { "plugin": "digits-mlp", "weight": 2, "timeoutMs": 500 },
///                { "id": "cnn-gpu", "url": "http://gpu-box:8000", "model": "digits-cnn", "labels": ["0", "1", "..."] } ],
///   "strategy": "soft",                                  // soft | hard | stacking | selection
///   "policy": { "minMembers": 2, "memberTimeoutMs": 2000, "onMemberFailure": "degrade" },
///   "stacking": "digits.stacking.json",                  // written by chorus fit (default: ID.stacking.json)
///   "selection": "digits.selection.json"                 // written by chorus fit (default: ID.selection.json)
/// }
/// </code>
/// </remarks>
public sealed record EnsembleDefinition
{
    /// <summary>The ensemble id.</summary>
    public required string Id { get; init; }

    /// <summary>The ensemble's classes; members' labels are aligned to these by name.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>The members, in order (the order of stacking features).</summary>
    public required IReadOnlyList<EnsembleMember> Members { get; init; }

    /// <summary>The strategy that gives the ensemble's decision.</summary>
    public FusionStrategyKind Strategy { get; init; } = FusionStrategyKind.Soft;

    /// <summary>How slow and failing members are treated.</summary>
    public EnsemblePolicy Policy { get; init; } = new();

    /// <summary>The stacking meta-model file (absolute path).</summary>
    public required string StackingPath { get; init; }

    /// <summary>The ensemble-selection weights file (absolute path).</summary>
    public required string SelectionPath { get; init; }

    /// <summary>The ensemble file (absolute path).</summary>
    public required string FilePath { get; init; }

    /// <summary>Reads and validates an ensemble file.</summary>
    /// <exception cref="EnsembleLoadException">The file is missing, is not JSON, or breaks the rules; every problem is listed.</exception>
    public static EnsembleDefinition Load(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new EnsembleLoadException(path, ["the file does not exist"]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new EnsembleLoadException(path, [$"is not valid JSON (line {ex.LineNumber + 1}): {ManifestText.JsonErrorText(ex)}"], ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EnsembleLoadException(path, ["must be a JSON object"]);
            }

            var problems = new List<string>();
            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : null;
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add("'id' is required");
            }

            var labels = new List<string>();
            if (root.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind == JsonValueKind.Array)
            {
                labels.AddRange(labelsElement.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()! : l.GetRawText()));
            }

            if (labels.Count == 0)
            {
                problems.Add("'labels' must list the ensemble's classes");
            }

            if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            {
                problems.Add("'labels' lists a class more than once");
            }

            var members = new List<EnsembleMember>();
            if (root.TryGetProperty("members", out var membersElement) && membersElement.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var member in membersElement.EnumerateArray())
                {
                    if (ReadMember(member, index, problems) is { } read)
                    {
                        members.Add(read);
                    }

                    index++;
                }
            }

            if (members.Count == 0 && problems.Count == 0)
            {
                problems.Add("'members' must list at least one plugin");
            }

            if (members.Count > 0 && members.All(m => m.Weight == 0))
            {
                problems.Add("every member weight is 0, so no member could ever vote; give at least one member a positive weight");
            }

            foreach (var duplicate in members.GroupBy(m => m.PluginId).Where(g => g.Count() > 1))
            {
                problems.Add($"member '{duplicate.Key}' is listed more than once"
                    + (duplicate.Any(m => m.Remote is not null) ? "; give a remote member its own 'id' when another member has the same name" : string.Empty));
            }

            var strategy = FusionStrategyKind.Soft;
            if (root.TryGetProperty("strategy", out var strategyElement))
            {
                var text = strategyElement.ValueKind == JsonValueKind.String ? strategyElement.GetString()! : strategyElement.GetRawText();
                if (!ManifestText.TryParseName(text, out strategy))
                {
                    problems.Add($"'strategy' is '{text}'; use soft, hard, stacking or selection");
                }
            }

            var policy = ReadPolicy(root, problems);
            if (policy.MinMembers > members.Count && members.Count > 0)
            {
                problems.Add($"policy.minMembers is {policy.MinMembers} but the ensemble has {members.Count} members");
            }

            if (problems.Count > 0)
            {
                throw new EnsembleLoadException(path, problems);
            }

            var folder = Path.GetDirectoryName(path)!;
            return new EnsembleDefinition
            {
                Id = id!,
                Labels = labels,
                Members = members,
                Strategy = strategy,
                Policy = policy,
                StackingPath = Path.GetFullPath(Path.Combine(folder, OptionalText(root, "stacking") ?? $"{id}.stacking.json")),
                SelectionPath = Path.GetFullPath(Path.Combine(folder, OptionalText(root, "selection") ?? $"{id}.selection.json")),
                FilePath = path,
            };
        }
    }

    /// <summary>One entry of 'members': a plugin id, <c>{ "plugin": ID, ... }</c>, or a remote member <c>{ "url": ..., "model": ..., ... }</c>.</summary>
    private static EnsembleMember? ReadMember(JsonElement member, int index, List<string> problems)
    {
        if (member.ValueKind == JsonValueKind.String)
        {
            var id = member.GetString();
            if (string.IsNullOrWhiteSpace(id))
            {
                problems.Add($"members[{index}] needs a 'plugin' id");
                return null;
            }

            return new EnsembleMember(id);
        }

        if (member.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"members[{index}] must be a plugin id or an object ({{ \"plugin\": ID }} or {{ \"url\": ..., \"model\": ... }})");
            return null;
        }

        var isRemote = member.TryGetProperty("url", out _);
        var plugin = member.TryGetProperty("plugin", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var count = problems.Count;
        RemoteMember? remote = null;
        string? memberId;
        if (isRemote)
        {
            if (member.TryGetProperty("plugin", out _))
            {
                problems.Add($"members[{index}] gives both 'plugin' (a local member) and 'url' (a remote member); keep one");
            }

            remote = RemoteMember.Read(member, $"members[{index}] (remote)", problems);
            memberId = member.TryGetProperty("id", out var idElement)
                ? (idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null)
                : remote?.Model;
            if (member.TryGetProperty("id", out _) && (memberId is null || !RemoteMember.IsValidName(memberId)))
            {
                problems.Add($"members[{index}] has id {idElement.GetRawText()}; a member id holds only letters, digits, '.', '_' and '-'");
            }
        }
        else
        {
            memberId = plugin;
            if (string.IsNullOrWhiteSpace(plugin))
            {
                problems.Add($"members[{index}] needs a 'plugin' id");
            }
        }

        var weight = member.TryGetProperty("weight", out var w) ? (w.ValueKind == JsonValueKind.Number ? w.GetDouble() : double.NaN) : 1.0;
        if (problems.Count == count && (!double.IsFinite(weight) || weight < 0))
        {
            problems.Add($"members[{index}] ('{memberId}') has weight {weight}; weights are finite and not negative");
        }

        TimeSpan? timeout = null;
        if (member.TryGetProperty("timeoutMs", out var timeoutElement))
        {
            if (timeoutElement.ValueKind == JsonValueKind.Number && timeoutElement.TryGetInt32(out var ms) && ms > 0)
            {
                timeout = TimeSpan.FromMilliseconds(ms);
            }
            else
            {
                problems.Add($"members[{index}] ('{memberId}') has timeoutMs {timeoutElement.GetRawText()}; it must be a positive whole number of milliseconds");
            }
        }

        return problems.Count > count ? null : new EnsembleMember(memberId!, weight) { Remote = remote, Timeout = timeout };
    }

    private static string? OptionalText(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static EnsemblePolicy ReadPolicy(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("policy", out var policy) || policy.ValueKind != JsonValueKind.Object)
        {
            return new EnsemblePolicy();
        }

        var minMembers = 1;
        if (policy.TryGetProperty("minMembers", out var min))
        {
            if (min.ValueKind != JsonValueKind.Number || !min.TryGetInt32(out minMembers) || minMembers < 1)
            {
                problems.Add("policy.minMembers must be a whole number of at least 1");
                minMembers = 1;
            }
        }

        TimeSpan? timeout = null;
        if (policy.TryGetProperty("memberTimeoutMs", out var timeoutElement))
        {
            if (timeoutElement.ValueKind == JsonValueKind.Number && timeoutElement.TryGetInt32(out var ms) && ms > 0)
            {
                timeout = TimeSpan.FromMilliseconds(ms);
            }
            else
            {
                problems.Add("policy.memberTimeoutMs must be a positive whole number of milliseconds");
            }
        }

        var onFailure = MemberFailurePolicy.Degrade;
        if (policy.TryGetProperty("onMemberFailure", out var failure)
            && (failure.ValueKind != JsonValueKind.String || !ManifestText.TryParseName(failure.GetString()!, out onFailure)))
        {
            problems.Add("policy.onMemberFailure must be 'degrade' or 'fail'");
        }

        return new EnsemblePolicy(minMembers, timeout, onFailure);
    }
}
