namespace Chorus.Server.Ui;

/// <summary>
/// One event of the visualizer feed, independent of any transport: the page gets it as Server-Sent Events
/// (<see cref="FeedJson"/> gives the JSON documented in docs/visualizer.md); a native window can read the same events
/// from <see cref="VisualizerFeed.Subscribe"/>.
/// </summary>
/// <param name="Kind">What it carries.</param>
/// <param name="Sequence">Increases by one per event published (a snapshot carries the last one published).</param>
/// <param name="Status">The replay's status (every kind).</param>
/// <param name="Sample">The sample (Sample kind), or the last sample (Snapshot kind, null before any).</param>
/// <param name="Snapshot">The state a new subscriber starts from (Snapshot kind only).</param>
/// <param name="Speech">A speech replay's chunk in place of <paramref name="Sample"/> (Sample kind), or its last chunk (Snapshot kind).</param>
internal sealed record FeedEvent(FeedEventKind Kind, long Sequence, FeedStatus Status, FeedSample? Sample, FeedSnapshot? Snapshot, SpeechFeedSample? Speech = null);
