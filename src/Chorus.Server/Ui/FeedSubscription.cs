using System.Threading.Channels;

namespace Chorus.Server.Ui;

/// <summary>
/// One reader of the feed: the state to start from, then the events as they come. A reader that falls more than
/// <see cref="VisualizerFeed.QueueLength"/> events behind loses the oldest (the replay never waits for a reader).
/// Dispose it to leave; the feed forgets it at once.
/// </summary>
internal sealed class FeedSubscription : IDisposable
{
    private readonly Action<FeedSubscription> _leave;
    private int _disposed;

    public FeedSubscription(FeedEvent snapshot, Channel<FeedEvent> channel, Action<FeedSubscription> leave)
    {
        Snapshot = snapshot;
        Channel = channel;
        _leave = leave;
    }

    /// <summary>The state when the subscription began.</summary>
    public FeedEvent Snapshot { get; }

    /// <summary>The events published after <see cref="Snapshot"/>.</summary>
    public ChannelReader<FeedEvent> Events => Channel.Reader;

    internal Channel<FeedEvent> Channel { get; }

    /// <summary>The snapshot, then every event until <paramref name="cancellationToken"/> fires or the feed closes.</summary>
    public async IAsyncEnumerable<FeedEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return Snapshot;
        await foreach (var item in Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Channel.Writer.TryComplete();
            _leave(this);
        }
    }
}
