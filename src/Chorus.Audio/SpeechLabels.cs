using System.Globalization;

namespace Chorus.Audio;

/// <summary>
/// Reads speech reference labels in Audacity's label-track text format: one segment per line,
/// <c>start&lt;TAB&gt;end&lt;TAB&gt;label</c>, times in seconds with a '.' decimal point, the label optional.
/// </summary>
public static class SpeechLabels
{
    /// <summary>
    /// Reads the segments of a label file, in file order. Blank lines and Audacity's spectral-selection lines (starting
    /// with '\') are skipped; a file with no segments is valid (no speech).
    /// </summary>
    /// <exception cref="AudioFormatException">
    /// A line is not <c>start&lt;TAB&gt;end[&lt;TAB&gt;label]</c>, a time is not a finite number of seconds at least 0,
    /// an end is not after its start, or a segment starts before the previous one ends (unsorted or overlapping). The
    /// message names the file and line.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<(double Start, double End)> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads label lines from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="AudioFormatException">As <see cref="Read(string)"/>.</exception>
    public static IReadOnlyList<(double Start, double End)> Read(TextReader reader, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var name = sourceName ?? "label stream";
        var segments = new List<(double Start, double End)>();
        var lineNumber = 0;
        var previousLine = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('\\'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 2)
            {
                throw Error(name, lineNumber, $"'{Shorten(line)}' is not start<TAB>end<TAB>label; Audacity label files separate the fields with tabs (File > Export > Export Labels).");
            }

            var start = ParseTime(fields[0], name, lineNumber, "start");
            var end = ParseTime(fields[1], name, lineNumber, "end");
            if (end <= start)
            {
                throw Error(name, lineNumber, $"the segment ends at {Format(end)} s, not after its start {Format(start)} s; a speech segment needs end > start.");
            }

            if (segments.Count > 0 && start < segments[^1].End)
            {
                var previous = segments[^1];
                var problem = start < previous.Start ? "is out of order: it starts before" : "overlaps";
                throw Error(
                    name,
                    lineNumber,
                    $"the segment {Format(start)}-{Format(end)} s {problem} the segment {Format(previous.Start)}-{Format(previous.End)} s on line {previousLine.ToString(CultureInfo.InvariantCulture)}; list segments sorted by time and merge overlapping ones.");
            }

            segments.Add((start, end));
            previousLine = lineNumber;
        }

        return segments;
    }

    private static double ParseTime(string field, string name, int lineNumber, string what)
    {
        if (!double.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw Error(name, lineNumber, $"the {what} time '{Shorten(field)}' is not a number of seconds at least 0 (use '.' as the decimal point, e.g. 1.250).");
        }

        return value;
    }

    private static AudioFormatException Error(string name, int lineNumber, string problem)
        => new($"Speech labels '{name}', line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {problem}", name);

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
