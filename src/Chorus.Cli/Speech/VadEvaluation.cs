using System.Globalization;
using Chorus.Hosting.Speech;

namespace Chorus.Cli.Speech;

/// <summary>
/// <c>chorus eval SPEECH-ENSEMBLE --data index.csv</c>: every file of a speech test set (an index with columns
/// <c>file,condition,...</c>; labels in <c>NAME.labels.txt</c> beside each WAV) through the ensemble; frame precision,
/// recall and F1 per member and fused, pooled over the files of each condition (TP, FP, FN summed), then the mean F1 over
/// conditions.
/// </summary>
internal static class VadEvaluation
{
    public static int Run(SpeechEnsemble ensemble, string indexPath, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = ReadIndex(indexPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var columns = ensemble.MemberIds.Append("fused").ToArray();
        var pooled = new SortedDictionary<string, long[,]>(StringComparer.Ordinal);
        var audioSeconds = 0.0;
        foreach (var (file, condition) in rows)
        {
            var wav = Path.Combine(folder, file);
            var labels = Path.Combine(folder, Path.ChangeExtension(file, null) + ".labels.txt");
            var result = VadRunner.Run(ensemble, wav, cancellationToken);
            audioSeconds += result.DurationSeconds;
            var scores = VadScores.Evaluate(result, VadScores.ReadReference(labels));
            if (!pooled.TryGetValue(condition, out var counts))
            {
                pooled[condition] = counts = new long[columns.Length, 3];
            }

            for (var c = 0; c < columns.Length; c++)
            {
                counts[c, 0] += scores[c].Score.TruePositives;
                counts[c, 1] += scores[c].Score.FalsePositives;
                counts[c, 2] += scores[c].Score.FalseNegatives;
            }

            foreach (var failure in result.FailedMembers)
            {
                output.WriteLine($"warning: {file}: member {failure.Key} failed: {failure.Value}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"speech ensemble '{ensemble.Id}' ({ensemble.Definition.Fusion.Mode.ToString().ToLowerInvariant()} fusion) on {indexPath}: {rows.Count} files, {audioSeconds:F1} s of audio, frame F1 on 10 ms frames"));
        output.WriteLine();
        output.WriteLine("| condition | files | " + string.Join(" | ", columns) + " |");
        output.WriteLine("| --- | ---: | " + string.Join(" | ", columns.Select(_ => "---:")) + " |");
        var means = new double[columns.Length];
        foreach (var (condition, counts) in OrderConditions(pooled))
        {
            var cells = new string[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var f1 = F1(counts[c, 0], counts[c, 1], counts[c, 2]);
                means[c] += f1 / pooled.Count;
                cells[c] = f1.ToString("F3", CultureInfo.InvariantCulture);
            }

            output.WriteLine($"| {condition} | {rows.Count(r => r.Condition == condition)} | {string.Join(" | ", cells)} |");
        }

        output.WriteLine($"| **mean over conditions** | {rows.Count} | {string.Join(" | ", means.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))} |");
        output.WriteLine();
        var bestMember = Enumerable.Range(0, columns.Length - 1).MaxBy(c => means[c]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fused mean F1 {means[^1]:F3} vs best member ({columns[bestMember]}) {means[bestMember]:F3}: {(means[^1] >= means[bestMember] ? "fused is at least as good" : "fused is below the best member")}"));
        return 0;
    }

    private static double F1(long tp, long fp, long fn) => (2 * tp) + fp + fn == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);

    private static IEnumerable<KeyValuePair<string, long[,]>> OrderConditions(SortedDictionary<string, long[,]> pooled) =>
        pooled.OrderBy(p => p.Key == "clean" ? 0 : 1).ThenBy(p => p.Key.Split('-')[0], StringComparer.Ordinal)
            .ThenByDescending(p => int.TryParse(p.Key.Split('-').Last(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var snr) ? snr : 0);

    private static List<(string File, string Condition)> ReadIndex(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the test-set index does not exist (make it with tests/data/speech/make_speech_testset.py).", path);
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new FormatException($"{path}: the index is empty; it needs a header with 'file' and 'condition' columns.");
        }

        var header = lines[0].Split(',').Select(h => h.Trim()).ToList();
        var fileColumn = header.IndexOf("file");
        var conditionColumn = header.IndexOf("condition");
        if (fileColumn < 0 || conditionColumn < 0)
        {
            throw new FormatException($"{path}: the header '{lines[0]}' needs 'file' and 'condition' columns.");
        }

        var rows = new List<(string, string)>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length <= Math.Max(fileColumn, conditionColumn))
            {
                throw new FormatException($"{path}, line {i + 1}: expected {header.Count} columns, found {cells.Length}.");
            }

            rows.Add((cells[fileColumn].Trim(), cells[conditionColumn].Trim()));
        }

        if (rows.Count == 0)
        {
            throw new FormatException($"{path}: the index lists no files.");
        }

        return rows;
    }
}
