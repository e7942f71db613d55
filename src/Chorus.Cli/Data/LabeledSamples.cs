namespace Chorus.Cli.Data;

/// <summary>Samples read from a CSV: row-major values, and per row the label text (null when the file has no label column).</summary>
internal sealed record LabeledSamples(float[] Values, int SampleSize, IReadOnlyList<string?> Labels)
{
    public int Count => Labels.Count;

    public ReadOnlyMemory<float> Rows(int start, int count) => Values.AsMemory(start * SampleSize, count * SampleSize);

    /// <summary>Label indices in the ensemble's label order; an unknown label is an error naming the row.</summary>
    public int[] LabelIndices(IReadOnlyList<string> ensembleLabels, string source)
    {
        var lookup = ensembleLabels.Select((label, index) => (label, index)).ToDictionary(p => p.label, p => p.index, StringComparer.Ordinal);
        var indices = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            var label = Labels[i] ?? throw new FormatException($"{source}: row {i + 2} has no label; evaluation needs a 'label' column.");
            if (!lookup.TryGetValue(label, out indices[i]))
            {
                throw new FormatException($"{source}: row {i + 2} has label '{label}', which is not one of the ensemble's labels ({string.Join(", ", ensembleLabels)}).");
            }
        }

        return indices;
    }
}
