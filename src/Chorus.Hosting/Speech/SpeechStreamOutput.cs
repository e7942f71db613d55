using Chorus.Fusion.Frames;
using Chorus.Streaming;

namespace Chorus.Hosting.Speech;

/// <summary>
/// What a <see cref="SpeechStream"/> call produced: fused grid frames, completed speech segments, and each member's own
/// frames. The stream appends; the caller reads and calls <see cref="Clear"/> (reuse one instance per stream to allocate
/// nothing per chunk).
/// </summary>
public sealed class SpeechStreamOutput
{
    private readonly TimeSpan[] _memberTimes;

    /// <summary>Creates an output for a stream of <paramref name="memberCount"/> members.</summary>
    public SpeechStreamOutput(int memberCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memberCount);
        MemberFrames = Enumerable.Range(0, memberCount).Select(_ => new List<FrameScore>()).ToArray();
        _memberTimes = new TimeSpan[memberCount];
    }


    /// <summary>Fused frames on the ensemble's grid, in time order.</summary>
    public List<FusedFrame> Frames { get; } = [];

    /// <summary>Speech segments that no later audio can change, in time order.</summary>
    public List<SpeechSegment> Segments { get; } = [];

    /// <summary>Each member's frame scores (index = member position in the ensemble).</summary>
    public IReadOnlyList<List<FrameScore>> MemberFrames { get; }

    /// <summary>
    /// Each member's compute time in the calls since the last <see cref="Clear"/> (index = member position): the time its
    /// own stream took to score the samples, fusion and segmentation not included; zero for a member that failed earlier.
    /// </summary>
    public IReadOnlyList<TimeSpan> MemberTimes => _memberTimes;

    /// <summary>Empties every list and sets <see cref="MemberTimes"/> back to zero.</summary>
    public void Clear()
    {
        Array.Clear(_memberTimes);
        Frames.Clear();
        Segments.Clear();
        foreach (var member in MemberFrames)
        {
            member.Clear();
        }
    }

    internal void AddMemberTime(int member, TimeSpan elapsed) => _memberTimes[member] += elapsed;
}
