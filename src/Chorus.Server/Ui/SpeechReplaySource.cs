using Chorus.Audio;
using Chorus.Hosting.Speech;

namespace Chorus.Server.Ui;

/// <summary>
/// The speech test set (tests/data/speech/index.csv: <c>file,condition,...</c> with <c>NAME.labels.txt</c> beside each
/// WAV) replayed through a speech ensemble's streaming path: one <see cref="SpeechStream"/> per file, fed
/// <see cref="ChunkSeconds"/> of audio per feed event. The index and the labels are read at startup; each WAV is decoded
/// when its turn comes (the 40 files of the test set would be 15 MB of floats).
/// </summary>
internal sealed class SpeechReplaySource
{
    /// <summary>Audio per feed event, in seconds; the feed's rate is in events per second, so 4 is real time.</summary>
    public const double ChunkSeconds = 0.25;

    private SpeechReplaySource(string name, SpeechEnsemble ensemble, IReadOnlyList<SpeechReplayFile> files)
    {
        Name = name;
        Ensemble = ensemble;
        Files = files;
    }

    /// <summary>The name the page and the <c>source</c> query parameter use (the ensemble id).</summary>
    public string Name { get; }

    /// <summary>The speech ensemble the audio goes through.</summary>
    public SpeechEnsemble Ensemble { get; }

    /// <summary>The files in index order; the replay wraps around after the last.</summary>
    public IReadOnlyList<SpeechReplayFile> Files { get; }

    /// <summary>The samples per event at the ensemble's sample rate.</summary>
    public int ChunkSamples => (int)Math.Round(ChunkSeconds * Ensemble.SampleRate);

    /// <summary>Reads the index at <paramref name="indexPath"/> and every label file it names, and checks every WAV exists.</summary>
    /// <exception cref="ArgumentException">The index, a WAV or a label file is missing or malformed; the message names the file and line.</exception>
    public static SpeechReplaySource Load(SpeechEnsemble ensemble, string indexPath)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        if (!File.Exists(indexPath))
        {
            throw new ArgumentException(
                $"visualizer replay for speech ensemble '{ensemble.Id}': index '{indexPath}' does not exist; give the speech test set's index (e.g. tests/data/speech/index.csv).");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var lines = File.ReadAllLines(indexPath);
        var header = lines.Length == 0 ? [] : lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var fileColumn = Array.IndexOf(header, "file");
        var conditionColumn = Array.IndexOf(header, "condition");
        if (fileColumn < 0 || conditionColumn < 0)
        {
            throw new ArgumentException(
                $"visualizer replay '{indexPath}' line 1: a speech index needs a header with 'file' and 'condition' columns (as tests/data/speech/index.csv), got '{(lines.Length == 0 ? string.Empty : lines[0])}'.");
        }

        var files = new List<SpeechReplayFile>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var cells = lines[i].Split(',');
            if (cells.Length <= Math.Max(fileColumn, conditionColumn) || cells[fileColumn].Trim().Length == 0)
            {
                throw new ArgumentException($"visualizer replay '{indexPath}' line {i + 1}: expected a file name and a condition, got '{lines[i]}'.");
            }

            var name = cells[fileColumn].Trim();
            var wav = Path.Combine(folder, name);
            if (!File.Exists(wav))
            {
                throw new ArgumentException($"visualizer replay '{indexPath}' line {i + 1}: WAV file '{wav}' does not exist; put it beside the index or remove its line.");
            }

            var labelsPath = Path.Combine(folder, Path.GetFileNameWithoutExtension(name) + ".labels.txt");
            IReadOnlyList<(double Start, double End)> speech;
            try
            {
                speech = SpeechLabels.Read(labelsPath);
            }
            catch (FileNotFoundException)
            {
                throw new ArgumentException(
                    $"visualizer replay '{indexPath}' line {i + 1}: label file '{labelsPath}' does not exist; every WAV needs its Audacity labels (start<TAB>end<TAB>label) beside it.");
            }
            catch (AudioFormatException ex)
            {
                throw new ArgumentException($"visualizer replay '{indexPath}' line {i + 1}: {ex.Message}", ex);
            }

            files.Add(new SpeechReplayFile(name, cells[conditionColumn].Trim(), wav, speech));
        }

        if (files.Count == 0)
        {
            throw new ArgumentException($"visualizer replay '{indexPath}' lists no files (a header line, then one line per WAV).");
        }

        return new SpeechReplaySource(ensemble.Id, ensemble, files);
    }
}
