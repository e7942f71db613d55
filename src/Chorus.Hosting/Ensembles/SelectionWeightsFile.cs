using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chorus.Hosting.Ensembles;

/// <summary>The ensemble-selection weights <c>chorus fit</c> writes beside an ensemble file (<c>ID.selection.json</c>).</summary>
internal sealed record SelectionWeightsFile(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("ensemble")] string Ensemble,
    [property: JsonPropertyName("members")] IReadOnlyList<string> Members,
    [property: JsonPropertyName("weights")] IReadOnlyList<double> Weights,
    [property: JsonPropertyName("metric")] string Metric,
    [property: JsonPropertyName("trajectory")] IReadOnlyList<double> Trajectory)
{
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    /// <summary>Reads the file and checks it belongs to this ensemble and its members, in order.</summary>
    public static SelectionWeightsFile Load(string path, EnsembleDefinition definition)
    {
        SelectionWeightsFile? file;
        try
        {
            file = JsonSerializer.Deserialize<SelectionWeightsFile>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new EnsembleLoadException(path, [$"is not a valid selection weights file: {ex.Message}. Run 'chorus fit' again."], ex);
        }

        var members = definition.Members.Select(m => m.PluginId).ToArray();
        if (file is null || file.Format != CurrentFormat || file.Ensemble != definition.Id
            || file.Members is null || !file.Members.SequenceEqual(members) || file.Weights is null || file.Weights.Count != members.Length)
        {
            throw new EnsembleLoadException(path,
                [$"was fitted for another ensemble or member list (file: {file?.Ensemble} [{string.Join(", ", file?.Members ?? [])}]; ensemble: {definition.Id} [{string.Join(", ", members)}]). Run 'chorus fit' again."]);
        }

        return file;
    }
}
