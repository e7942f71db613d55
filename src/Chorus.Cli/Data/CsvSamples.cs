using System.Globalization;

namespace Chorus.Cli.Data;

/// <summary>
/// Reads samples from CSV: a header row, then one sample per row. A column named <c>label</c> holds the true class; every
/// other column is a value (for the digits: <c>p0..p63</c>, pixel counts 0–16).
/// </summary>
internal static class CsvSamples
{
    public static LabeledSamples Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new FormatException($"{path}: the file is empty; it needs a header row and one row per sample.");
        var columns = header.Split(',').Select(c => c.Trim()).ToArray();
        var labelColumn = Array.IndexOf(columns, "label");
        var sampleSize = columns.Length - (labelColumn >= 0 ? 1 : 0);
        var values = new List<float>();
        var labels = new List<string?>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != columns.Length)
            {
                throw new FormatException($"{path}:{lineNumber}: {cells.Length} values, but the header has {columns.Length} columns.");
            }

            for (var c = 0; c < cells.Length; c++)
            {
                if (c == labelColumn)
                {
                    labels.Add(cells[c].Trim());
                    continue;
                }

                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                {
                    throw new FormatException($"{path}:{lineNumber}: column '{columns[c]}' holds '{cells[c]}', which is not a number.");
                }

                values.Add(value);
            }

            if (labelColumn < 0)
            {
                labels.Add(null);
            }
        }

        if (labels.Count == 0)
        {
            throw new FormatException($"{path}: no sample rows after the header.");
        }

        return new LabeledSamples(values.ToArray(), sampleSize, labels);
    }

    /// <summary>Parses one CSV row of values (the <c>predict</c> input), with or without a trailing label.</summary>
    public static float[] ParseRow(string row, int sampleSize)
    {
        var cells = row.Split(',', StringSplitOptions.TrimEntries);
        if (cells.Length != sampleSize && cells.Length != sampleSize + 1)
        {
            throw new FormatException($"the CSV row has {cells.Length} values; the ensemble takes {sampleSize} (optionally followed by a label).");
        }

        var values = new float[sampleSize];
        for (var i = 0; i < sampleSize; i++)
        {
            if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new FormatException($"value {i + 1} of the CSV row, '{cells[i]}', is not a number.");
            }
        }

        return values;
    }
}
