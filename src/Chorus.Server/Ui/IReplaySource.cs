namespace Chorus.Server.Ui;

/// <summary>
/// Samples with known answers that the visualizer replays through one ensemble. The digits test split is one
/// (<see cref="CsvReplaySource"/>); a speech test set would be another that decodes its audio into the speech ensemble's input.
/// </summary>
/// <remarks>Read from the replay loop only, one call at a time; implementations need not be thread-safe.</remarks>
internal interface IReplaySource
{
    /// <summary>The name the page and the <c>source</c> query parameter use.</summary>
    string Name { get; }

    /// <summary>The ensemble id the samples go through.</summary>
    string EnsembleId { get; }

    /// <summary>How many samples there are; the replay wraps around after the last.</summary>
    int Count { get; }

    /// <summary>Sample <paramref name="index"/> (0-based, &lt; <see cref="Count"/>).</summary>
    ReplayItem Read(int index);
}
