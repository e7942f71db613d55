using System.Diagnostics;
using System.Threading.Channels;
using Chorus.Audio;
using Chorus.Hosting.Ensembles;
using Chorus.Hosting.Speech;

namespace Chorus.Server.Ui;

/// <summary>
/// The visualizer's data, independent of HTTP: one replay at a time runs a source's samples through its ensemble (the
/// same <see cref="Ensemble"/> object the server's <c>/v2/models/{id}/infer</c> uses) at a set rate, and every
/// subscriber gets each answer as a <see cref="FeedEvent"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Memory is bounded: a fixed number of subscribers, each with a fixed queue, and a fixed latency window
/// per member. The replay stops by itself when nobody has watched for <see cref="IdleStop"/>.
/// </remarks>
internal sealed class VisualizerFeed : IAsyncDisposable
{
    public const int WindowSize = 60;
    public const int QueueLength = 64;
    public const int MaxSubscribers = 32;
    public const double MinRate = 0.1;
    public const double MaxRate = 100;
    public static readonly TimeSpan IdleStop = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, Entry> _sources = new(StringComparer.Ordinal);
    private readonly List<FeedSubscription> _subscribers = [];
    private readonly Dictionary<string, LatencyWindow> _latencies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LatencyWindow> _probabilities = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private FeedStatus _status = new(false, null, 10, "not started");
    private FeedSample? _last;
    private SpeechFeedSample? _lastSpeech;
    private long _sequence;
    private long _idleSince = Stopwatch.GetTimestamp();
    private Run? _run;
    private bool _disposed;

    public VisualizerFeed(IEnumerable<(IReplaySource Source, Ensemble Ensemble)> sources, IEnumerable<SpeechReplaySource>? speech = null)
    {
        var entries = sources.Select(s => new Entry(s.Source.Name, new FeedSourceInfo(s.Source.Name, s.Ensemble.Id, s.Source.Count,
                s.Ensemble.Strategy.ToString().ToLowerInvariant(), s.Ensemble.Labels, s.Ensemble.Members.Select(m => m.PluginId).ToArray()), s.Source, s.Ensemble, null))
            .Concat((speech ?? []).Select(s => new Entry(s.Name, new FeedSourceInfo(s.Name, s.Ensemble.Id, s.Files.Count,
                s.Ensemble.Definition.Fusion.Mode.ToString().ToLowerInvariant(), [SpeechFeedSample.Label(false), SpeechFeedSample.Label(true)], s.Ensemble.MemberIds, "speech"),
                null, null, s)));
        foreach (var entry in entries)
        {
            if (!_sources.TryAdd(entry.Name, entry))
            {
                throw new ArgumentException($"two visualizer replay sources are named '{entry.Name}'; give each ensemble one replay file.");
            }
        }

        Sources = _sources.Values.Select(s => s.Info).ToArray();
    }

    public IReadOnlyList<FeedSourceInfo> Sources { get; }

    public FeedStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>The state a new reader starts from, as one event.</summary>
    public FeedEvent Snapshot()
    {
        lock (_lock)
        {
            return SnapshotLocked(_subscribers.Count);
        }
    }

    /// <summary>
    /// Starts replaying <paramref name="source"/> from its first sample at <paramref name="rate"/> samples per second, with
    /// fresh counts; if that source is already running, only its rate changes.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown source or a rate outside [<see cref="MinRate"/>, <see cref="MaxRate"/>].</exception>
    public FeedStatus Start(string? source, double rate)
    {
        if (!double.IsFinite(rate) || rate < MinRate || rate > MaxRate)
        {
            throw new ArgumentException($"the replay rate must be a number of samples per second from {MinRate} to {MaxRate}; got {rate}.");
        }

        source ??= _sources.Count == 1 ? _sources.Keys.First() : null;
        if (source is null || !_sources.TryGetValue(source, out var entry))
        {
            throw new ArgumentException(_sources.Count == 0
                ? "no replay source is configured; start the server with one (chorus serve --replay digits=tests/data/digits/test.csv)."
                : $"there is no replay source '{source}'; choose one of: {string.Join(", ", _sources.Keys)}.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_run is { } running && running.Entry == entry)
            {
                running.Rate = rate;
                return PublishStatusLocked(new FeedStatus(true, source, rate, "rate changed"));
            }

            _run?.Cancel();
            _run = new Run(entry, rate);
            _latencies.Clear();
            _probabilities.Clear();
            foreach (var member in entry.Info.Members)
            {
                _latencies[member] = new LatencyWindow(WindowSize);
                if (entry.Speech is not null)
                {
                    _probabilities[member] = new LatencyWindow(WindowSize);
                }
            }

            _last = null;
            _lastSpeech = null;
            _idleSince = Stopwatch.GetTimestamp();
            var status = PublishStatusLocked(new FeedStatus(true, source, rate, "started"));
            var run = _run;
            run.Task = Task.Run(() => ReplayAsync(run));
            return status;
        }
    }

    /// <summary>Stops the replay (the counts and the last sample stay on the page).</summary>
    public FeedStatus Stop(string reason = "stopped")
    {
        lock (_lock)
        {
            return StopLocked(reason);
        }
    }

    /// <summary>Joins the feed.</summary>
    /// <exception cref="InvalidOperationException">Already <see cref="MaxSubscribers"/> readers.</exception>
    public FeedSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(QueueLength)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_subscribers.Count >= MaxSubscribers)
            {
                throw new InvalidOperationException(
                    $"the visualizer feed already has {MaxSubscribers} viewers, its limit; close a tab (or another feed reader) and retry.");
            }

            var subscription = new FeedSubscription(SnapshotLocked(_subscribers.Count + 1), channel, Leave);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            running = _run?.Task;
            StopLocked("server stopping");
            _disposed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Channel.Writer.TryComplete();
            }

            _subscribers.Clear();
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }
    }

    private void Leave(FeedSubscription subscription)
    {
        lock (_lock)
        {
            if (_subscribers.Remove(subscription) && _subscribers.Count == 0)
            {
                _idleSince = Stopwatch.GetTimestamp();
            }
        }
    }

    private FeedStatus StopLocked(string reason)
    {
        if (_run is null)
        {
            return _status;
        }

        _run.Cancel();
        _run = null;
        return PublishStatusLocked(_status with { Running = false, Reason = reason });
    }

    private FeedStatus PublishStatusLocked(FeedStatus status)
    {
        _status = status;
        PublishLocked(new FeedEvent(FeedEventKind.Status, ++_sequence, status, null, null));
        return status;
    }

    private void PublishLocked(FeedEvent item)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Channel.Writer.TryWrite(item);
        }
    }

    private FeedEvent SnapshotLocked(int viewers)
    {
        var latencies = _latencies.ToDictionary(l => l.Key, l => l.Value.ToArray(), StringComparer.Ordinal);
        var probabilities = _probabilities.ToDictionary(l => l.Key, l => l.Value.ToArray(), StringComparer.Ordinal);
        return new FeedEvent(FeedEventKind.Snapshot, _sequence, _status, _last, new FeedSnapshot(Sources, WindowSize, latencies, viewers, probabilities), _lastSpeech);
    }

    private async Task ReplayAsync(Run run)
    {
        try
        {
            if (run.Entry.Speech is { } speech)
            {
                await SpeechReplayLoopAsync(run, speech).ConfigureAwait(false);
            }
            else
            {
                await ReplayLoopAsync(run).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_lock)
            {
                run.Dispose();
            }
        }
    }

    private async Task ReplayLoopAsync(Run run)
    {
        var source = run.Entry.Replay!;
        var ensemble = run.Entry.Ensemble!;
        var token = run.Token;
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.Zero;
        var row = 0;
        long seen = 0, correct = 0, disagreements = 0, failures = 0;
        while (!token.IsCancellationRequested)
        {
            if (!await WaitUntilAsync(clock, due, token).ConfigureAwait(false))
            {
                break;
            }

            var item = source.Read(row);
            FusedPrediction? prediction = null;
            string? error = null;
            try
            {
                prediction = await ensemble.PredictAsync(item.Input, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (EnsembleException ex)
            {
                error = ex.Message;
            }
#pragma warning disable CA1031 // The replay must outlive any one failed sample; the failure is shown on the page.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }

            seen++;
            var sample = Describe(source, ensemble, row, item, prediction, error, ref correct, ref disagreements, ref failures, seen);
            lock (_lock)
            {
                if (_run != run)
                {
                    break; // Stopped or replaced while this sample ran: its counts belong to a finished replay.
                }

                foreach (var member in sample.Members)
                {
                    _latencies[member.Id].Add(member.Scores is null ? double.NaN : member.LatencyMs);
                }

                _last = sample;
                PublishLocked(new FeedEvent(FeedEventKind.Sample, ++_sequence, _status, sample, null));
                if (_subscribers.Count == 0 && Stopwatch.GetElapsedTime(_idleSince) > IdleStop)
                {
                    StopLocked($"no viewers for {IdleStop.TotalSeconds:0} s");
                    break;
                }
            }

            row = (row + 1) % source.Count;
            due = Next(due, clock, run.Rate);
        }
    }

    /// <summary>
    /// Plays the speech files in index order, one <see cref="SpeechStream"/> per file, <see cref="SpeechReplaySource.ChunkSeconds"/>
    /// of audio per event; the stream is completed after a file's last chunk, so that event also holds the trailing frames.
    /// </summary>
    private async Task SpeechReplayLoopAsync(Run run, SpeechReplaySource source)
    {
        var token = run.Token;
        var clock = Stopwatch.StartNew();
        var due = TimeSpan.Zero;
        var ensemble = source.Ensemble;
        var members = ensemble.MemberIds;
        var threshold = (double)ensemble.Definition.Fusion.BinarizeThreshold;
        var output = new SpeechStreamOutput(members.Count);
        var totals = new SpeechFeedTotals(0, 0, 0, 0, 0, 0, 0);
        var fileIndex = 0;
        SpeechStream? stream = null;
        ReadOnlyMemory<float> audio = default;
        var position = 0;
        var chunk = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (!await WaitUntilAsync(clock, due, token).ConfigureAwait(false))
                {
                    break;
                }

                var file = source.Files[fileIndex];
                string? error = null;
                var start = position;
                var last = true;
                output.Clear();
                try
                {
                    if (stream is null)
                    {
                        audio = WavReader.Read(file.WavPath).Samples;
                        stream = ensemble.OpenStream(WavReader.OutputSampleRate);
                        position = start = chunk = 0;
                    }

                    var count = Math.Min(source.ChunkSamples, audio.Length - position);
                    stream.Push(audio.Span.Slice(position, count), output);
                    position += count;
                    last = position >= audio.Length;
                    if (last)
                    {
                        stream.Complete(output);
                    }
                }
#pragma warning disable CA1031 // The replay must outlive a bad file or a stream whose every member failed; the reason is shown on the page.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    error = $"{file.Name}: {ex.GetType().Name}: {ex.Message}";
                    if (stream is null)
                    {
                        audio = default; // The WAV could not be read: nothing of it was played.
                        position = start = chunk = 0;
                    }
                }

                var rate = (double)WavReader.OutputSampleRate;
                var failed = stream?.FailedMembers ?? new Dictionary<string, string>();
                var frames = output.Frames.Select(f =>
                {
                    var centre = f.StartSeconds + (f.DurationSeconds / 2);
                    return new SpeechFeedFrame(f.StartSeconds, f.DurationSeconds, f.Probability, f.Probability >= threshold, file.IsSpeech(centre));
                }).ToArray();
                var memberViews = members.Select((id, m) =>
                {
                    var own = output.MemberFrames[m].Select(f => (double)f.Probability).ToArray();
                    var reason = failed.TryGetValue(id, out var why) ? why : error;
                    return new SpeechFeedMember(id, own.Length == 0 ? null : own.Average(), own, output.MemberTimes[m].TotalMilliseconds, reason);
                }).ToArray();
                totals = totals with
                {
                    Chunks = totals.Chunks + 1,
                    Files = totals.Files + (last && error is null ? 1 : 0),
                    Frames = totals.Frames + frames.Length,
                    TruePositives = totals.TruePositives + frames.Count(f => f.Speech && f.Truth),
                    FalsePositives = totals.FalsePositives + frames.Count(f => f.Speech && !f.Truth),
                    FalseNegatives = totals.FalseNegatives + frames.Count(f => !f.Speech && f.Truth),
                    Failures = totals.Failures + (error is null ? 0 : 1),
                };
                var sample = new SpeechFeedSample(source.Name, ensemble.Id, fileIndex, file.Name, file.Condition, chunk,
                    start / rate, position / rate, audio.Length / rate, last, threshold, frames, memberViews, error, totals);

                if (last)
                {
                    stream?.Dispose();
                    stream = null;
                    fileIndex = (fileIndex + 1) % source.Files.Count;
                }
                else
                {
                    chunk++;
                }

                lock (_lock)
                {
                    if (_run != run)
                    {
                        break; // Stopped or replaced while this chunk ran.
                    }

                    foreach (var member in sample.Members)
                    {
                        _latencies[member.Id].Add(member.Error is null ? member.LatencyMs : double.NaN);
                        foreach (var probability in member.Frames)
                        {
                            _probabilities[member.Id].Add(probability);
                        }
                    }

                    _lastSpeech = sample;
                    PublishLocked(new FeedEvent(FeedEventKind.Sample, ++_sequence, _status, null, null, sample));
                    if (_subscribers.Count == 0 && Stopwatch.GetElapsedTime(_idleSince) > IdleStop)
                    {
                        StopLocked($"no viewers for {IdleStop.TotalSeconds:0} s");
                        break;
                    }
                }

                due = Next(due, clock, run.Rate);
            }
        }
        finally
        {
            stream?.Dispose();
        }
    }

    /// <summary>Keeps the rate, but never bursts to catch up after a slow sample.</summary>
    private static TimeSpan Next(TimeSpan due, Stopwatch clock, double rate)
    {
        due += TimeSpan.FromSeconds(1 / rate);
        return due < clock.Elapsed ? clock.Elapsed : due;
    }

    private static FeedSample Describe(IReplaySource source, Ensemble ensemble, int row, ReplayItem item, FusedPrediction? prediction, string? error,
        ref long correct, ref long disagreements, ref long failures, long seen)
    {
        if (prediction is null)
        {
            failures++;
            var missing = ensemble.Members.Select(m => new FeedMember(m.PluginId, null, null, 0, error)).ToArray();
            return new FeedSample(source.Name, ensemble.Id, row, item.TrueLabel, null, ensemble.Labels, null, 0, 0, 0,
                ensemble.Strategy.ToString().ToLowerInvariant(), missing, error, item.Image, new FeedTotals(seen, correct, disagreements, failures));
        }

        var members = new FeedMember[prediction.Members.Count];
        int agreeing = 0, answering = 0;
        for (var m = 0; m < members.Length; m++)
        {
            var score = prediction.Members[m];
            var counted = score.Scores is not null && !prediction.ExcludedMembers.Contains(score.MemberId);
            var top = score.Scores is null ? null : prediction.Labels[ArgMax(score.Scores)];
            members[m] = new FeedMember(score.MemberId, score.Scores, top, score.Latency.TotalMilliseconds,
                counted ? null : score.Error ?? "left out of this sample");
            if (counted)
            {
                answering++;
                agreeing += top == prediction.Label ? 1 : 0;
            }
        }

        correct += prediction.Label == item.TrueLabel ? 1 : 0;
        disagreements += agreeing < answering ? 1 : 0;
        return new FeedSample(source.Name, ensemble.Id, row, item.TrueLabel, prediction.Label, prediction.Labels, prediction.Scores,
            prediction.Agreement, agreeing, answering, prediction.Strategy.ToString().ToLowerInvariant(), members, null, item.Image,
            new FeedTotals(seen, correct, disagreements, failures));
    }

    /// <summary>The first index of the largest score: ties go to the label listed first, as the fusion rules break them.</summary>
    private static int ArgMax(IReadOnlyList<double> scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Count; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>A replay source: a classification one (<see cref="Replay"/> through <see cref="Ensemble"/>) or a speech one.</summary>
    private sealed record Entry(string Name, FeedSourceInfo Info, IReplaySource? Replay, Ensemble? Ensemble, SpeechReplaySource? Speech);

    /// <summary>One replay; <see cref="Cancel"/> and <see cref="Dispose"/> are called under the feed's lock only.</summary>
    private sealed class Run(Entry entry, double rate) : IDisposable
    {
        private bool _disposed;
        private readonly CancellationTokenSource _cancel = new();
        private double _rate = rate;

        public Entry Entry { get; } = entry;

        public double Rate
        {
            get => Volatile.Read(ref _rate);
            set => Volatile.Write(ref _rate, value);
        }

        public CancellationToken Token => _cancel.Token;

        public Task? Task { get; set; }

        public void Cancel()
        {
            if (!_disposed)
            {
                _cancel.Cancel();
            }
        }

        /// <summary>Called by the replay loop itself when it ends, so no Delay or Predict still holds the token.</summary>
        public void Dispose()
        {
            _disposed = true;
            _cancel.Dispose();
        }
    }

    /// <summary>Waits until <paramref name="clock"/> reaches <paramref name="due"/>; false when the replay was stopped meanwhile.</summary>
    private static async Task<bool> WaitUntilAsync(Stopwatch clock, TimeSpan due, CancellationToken token)
    {
        var wait = due - clock.Elapsed;
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(wait, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
