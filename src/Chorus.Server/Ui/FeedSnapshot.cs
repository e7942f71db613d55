namespace Chorus.Server.Ui;

/// <summary>What a new subscriber needs to draw the page before the next sample.</summary>
/// <param name="Sources">The replay sources with their ensembles.</param>
/// <param name="WindowSize">How many latencies a sparkline keeps.</param>
/// <param name="Latencies">Per member id, its last latencies in ms, oldest first (NaN where it gave no scores).</param>
/// <param name="Viewers">How many subscribers the feed has, this one included when it is a subscription's snapshot.</param>
/// <param name="Probabilities">For a speech replay, per member id its last frame probabilities, oldest first; empty otherwise.</param>
internal sealed record FeedSnapshot(
    IReadOnlyList<FeedSourceInfo> Sources, int WindowSize, IReadOnlyDictionary<string, double[]> Latencies, int Viewers, IReadOnlyDictionary<string, double[]> Probabilities);
