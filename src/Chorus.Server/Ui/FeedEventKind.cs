namespace Chorus.Server.Ui;

/// <summary>What a <see cref="FeedEvent"/> carries; its lower-case name is the SSE <c>event:</c> field.</summary>
internal enum FeedEventKind
{
    /// <summary>First event of every subscription: sources, status, latency windows, last sample.</summary>
    Snapshot,

    /// <summary>A replayed sample.</summary>
    Sample,

    /// <summary>The replay started, stopped or changed rate.</summary>
    Status,
}
