using System.Globalization;

namespace Chorus.Server.Ui;

/// <summary>
/// A CSV file of feature rows: a header line, then per row <c>SampleSize</c> numbers and the label last (the layout of
/// tests/data/digits/*.csv: p0..p63,label). Read whole at startup (the digits test split is 360 rows, 92 KB of floats).
/// </summary>
internal sealed class CsvReplaySource : IReplaySource
{
    private readonly float[][] _rows;
    private readonly string[] _labels;
    private readonly int _side;

    private CsvReplaySource(string name, string ensembleId, float[][] rows, string[] labels)
    {
        Name = name;
        EnsembleId = ensembleId;
        _rows = rows;
        _labels = labels;

        // A square sample of small counts (8×8 digits, 0..16) is drawn as a picture; anything else is not.
        var side = (int)Math.Round(Math.Sqrt(rows[0].Length));
        _side = side * side == rows[0].Length && side <= 64 ? side : 0;
        Max = rows.SelectMany(r => r).DefaultIfEmpty(1f).Max();
    }

    public string Name { get; }

    public string EnsembleId { get; }

    public int Count => _rows.Length;

    private float Max { get; }

    /// <summary>Reads <paramref name="path"/>; every row must hold <paramref name="sampleSize"/> finite numbers and a label.</summary>
    /// <exception cref="ArgumentException">The file is missing, empty or a row is malformed; the message names the line.</exception>
    public static CsvReplaySource Load(string ensembleId, string path, int sampleSize)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException(
                $"visualizer replay for ensemble '{ensembleId}': file '{path}' does not exist; give a CSV of {sampleSize} values and a label per row (e.g. tests/data/digits/test.csv).");
        }

        var rows = new List<float[]>();
        var labels = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 || line.Length == 0)
            {
                continue; // The header (p0,...,label) and a trailing empty line.
            }

            var cells = line.Split(',');
            if (cells.Length != sampleSize + 1)
            {
                throw new ArgumentException(
                    $"visualizer replay '{path}' line {lineNumber}: expected {sampleSize} values and a label ({sampleSize + 1} cells) for ensemble '{ensembleId}', got {cells.Length} cells.");
            }

            var values = new float[sampleSize];
            for (var i = 0; i < sampleSize; i++)
            {
                if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                {
                    throw new ArgumentException($"visualizer replay '{path}' line {lineNumber}, column {i + 1}: '{cells[i]}' is not a finite number.");
                }
            }

            rows.Add(values);
            labels.Add(cells[sampleSize].Trim());
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException($"visualizer replay '{path}' has no data rows (a header line, then one row per sample).");
        }

        return new CsvReplaySource(ensembleId, ensembleId, [.. rows], [.. labels]);
    }

    public ReplayItem Read(int index)
    {
        var row = _rows[index];
        return new ReplayItem(row, _labels[index], _side > 0 ? new ReplayImage(_side, _side, Max, row) : null);
    }
}
