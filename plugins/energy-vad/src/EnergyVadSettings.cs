using System.Globalization;
using System.Text.Json;
using Chorus.Plugins;

namespace Chorus.Plugins.EnergyVad;

/// <summary>The detector's parameters, from plugin.json <c>config</c> (see PROVENANCE.md for what each does).</summary>
internal sealed record EnergyVadSettings(double FrameMs, double PreEmphasis, double FloorWindowSeconds, double ThresholdDb, double SlopeDb, double MinFloorDb)
{
    /// <summary>The floor window is kept as this many blocks; the floor is the least block minimum.</summary>
    public const int FloorBlocks = 8;

    public static EnergyVadSettings Read(PluginManifest manifest)
    {
        using var config = JsonDocument.Parse(manifest.Config);
        var root = config.RootElement;
        var problems = new List<string>();
        var settings = new EnergyVadSettings(
            Number(root, "frameMs", 20, 5, 100, problems),
            Number(root, "preEmphasis", 0.95, 0, 0.999, problems),
            Number(root, "floorWindowSeconds", 2, 0.2, 60, problems),
            Number(root, "thresholdDb", 6, 0, 60, problems),
            Number(root, "slopeDb", 2, 0.1, 20, problems),
            Number(root, "minFloorDb", -90, -140, -20, problems));
        if (problems.Count > 0)
        {
            throw new ChorusException($"plugin '{manifest.Id}' ({manifest.ManifestPath}): config: {string.Join("; ", problems)}.", manifest.Id);
        }

        return settings;
    }

    private static double Number(JsonElement root, string name, double fallback, double min, double max, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= min && number <= max)
        {
            return number;
        }

        problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be a number from {min} to {max}, got {value.GetRawText()}"));
        return fallback;
    }
}
