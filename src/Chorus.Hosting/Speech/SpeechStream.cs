using System.Diagnostics;
using System.Globalization;
using Chorus.Fusion.Frames;
using Chorus.Streaming;

namespace Chorus.Hosting.Speech;

/// <summary>
/// One audio source through a <see cref="SpeechEnsemble"/>: every chunk goes to each member's own stream (on the calling
/// thread, in member order); their frames are fused on the grid as soon as every live member has covered a grid frame, and
/// fused frames are segmented as they come. One caller at a time; the caller disposes it (that frees every member's state).
/// </summary>
/// <remarks>
/// A member that throws while scoring (anything but the input checks, which run once here before any member sees the
/// chunk) is marked failed: it is disposed and left out of every later grid frame, the others carry on
/// (<see cref="FailedMembers"/> says which and why). Memory is bounded by the chunk size and the members' frame sizes, not by
/// the stream's length.
/// </remarks>
public sealed class SpeechStream : IDisposable
{
    private readonly SpeechEnsembleDefinition _definition;
    private readonly IFrameStream?[] _members;
    private readonly FrameFusion _fusion;
    private readonly SpeechSegmenter _segmenter;
    private readonly Dictionary<string, string> _failed = new(StringComparer.Ordinal);
    private readonly List<FusedFrame> _ready = [];
    private int _busy;
    private bool _completed;
    private bool _disposed;

    internal SpeechStream(SpeechEnsembleDefinition definition, IReadOnlyList<IFrameStream> members)
    {
        _definition = definition;
        _members = [.. members];
        _fusion = new FrameFusion(members.Count, definition.Fusion);
        _segmenter = new SpeechSegmenter(definition.Segmenter);
        SampleRate = members[0].SampleRate;
    }

    /// <summary>The sample rate, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Samples pushed so far.</summary>
    public long SamplesPushed { get; private set; }

    /// <summary>Members that failed in this stream, with the reason.</summary>
    public IReadOnlyDictionary<string, string> FailedMembers => _failed;

    /// <summary>Pushes the next samples (mono floats in [-1, 1] at <see cref="SampleRate"/>) and appends what they produced to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A sample is NaN or infinite (the message gives its position); nothing changed.</exception>
    /// <exception cref="ChorusException">Every member has failed.</exception>
    public void Push(ReadOnlySpan<float> samples, SpeechStreamOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Enter(output);
        try
        {
            for (var i = 0; i < samples.Length; i++)
            {
                if (!float.IsFinite(samples[i]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"speech ensemble '{_definition.Id}': sample {SamplesPushed + i} of the stream (index {i} of this chunk) is {samples[i]}; samples must be finite floats in [-1, 1]. The stream is unchanged."),
                        nameof(samples));
                }
            }

            ScoreMembers(samples, complete: false, output);

            SamplesPushed += samples.Length;
            _ready.Clear();
            _fusion.TakeReady(_ready);
            Segment(output);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Ends the audio: members score their trailing frames, the rest of the grid is fused, open segments are closed.</summary>
    public void Complete(SpeechStreamOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Enter(output);
        try
        {
            _completed = true;
            ScoreMembers([], complete: true, output);

            _ready.Clear();
            _fusion.Complete(_ready);
            Segment(output);
            _segmenter.Complete((double)SamplesPushed / SampleRate, output.Segments);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Gives the chunk to every member still in (or, with <paramref name="complete"/>, ends their audio) and adds their new
    /// frames to the fusion. A member that throws is left out from then on; frames it scored before it threw still count.
    /// </summary>
    private void ScoreMembers(ReadOnlySpan<float> samples, bool complete, SpeechStreamOutput output)
    {
        for (var m = 0; m < _members.Length; m++)
        {
            var member = _members[m];
            if (member is null)
            {
                continue;
            }

            var frames = output.MemberFrames[m];
            var before = frames.Count;
            Exception? failure = null;
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (complete)
                {
                    member.Complete(frames);
                }
                else
                {
                    member.Push(samples, frames);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
            }

            output.AddMemberTime(m, Stopwatch.GetElapsedTime(started));
            for (var i = before; i < frames.Count; i++)
            {
                _fusion.Add(m, frames[i].StartSeconds, frames[i].DurationSeconds, frames[i].Probability);
            }

            if (failure is not null)
            {
                Fail(m, failure);
            }
        }
    }

    /// <summary>Disposes every member's stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var m = 0; m < _members.Length; m++)
        {
            _members[m]?.Dispose();
            _members[m] = null;
        }
    }

    private void Segment(SpeechStreamOutput output)
    {
        output.Frames.AddRange(_ready);
        foreach (var frame in _ready)
        {
            _segmenter.Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, output.Segments);
        }
    }

    private void Fail(int member, Exception ex)
    {
        var id = _definition.Members[member].PluginId;
        _failed[id] = $"{ex.GetType().Name}: {ex.Message}";
        _members[member]!.Dispose();
        _members[member] = null;
        _fusion.MarkFailed(member);
        if (_members.All(s => s is null))
        {
            throw new ChorusException($"speech ensemble '{_definition.Id}': every member failed ({string.Join("; ", _failed.Select(f => $"{f.Key}: {f.Value}"))}).", ex);
        }
    }

    private void Enter(SpeechStreamOutput output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (output.MemberFrames.Count != _members.Length)
        {
            throw new ArgumentException($"speech ensemble '{_definition.Id}' has {_members.Length} members; make the output with new SpeechStreamOutput({_members.Length}).", nameof(output));
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"speech ensemble '{_definition.Id}': the stream is in use by another thread; a stream takes one caller at a time.");
        }

        if (_completed)
        {
            Volatile.Write(ref _busy, 0);
            throw new InvalidOperationException($"speech ensemble '{_definition.Id}': the stream was completed; open a new stream for more audio.");
        }
    }
}
