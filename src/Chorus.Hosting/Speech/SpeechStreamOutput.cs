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
    /// <summary>Creates an output for a stream of <paramref name="memberCount"/> members.</summary>
    public SpeechStreamOutput(int memberCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memberCount);
        MemberFrames = Enumerable.Range(0, memberCount).Select(_ => new List<FrameScore>()).ToArray();
    }

    /// <summary>Fused frames on the ensemble's grid, in time order.</summary>
    public List<FusedFrame> Frames { get; } = [];

    /// <summary>Speech segments that no later audio can change, in time order.</summary>
    public List<SpeechSegment> Segments { get; } = [];

    /// <summary>Each member's frame scores (index = member position in the ensemble).</summary>
    public IReadOnlyList<List<FrameScore>> MemberFrames { get; }

    /// <summary>Empties every list.</summary>
    public void Clear()
    {
        Frames.Clear();
        Segments.Clear();
        foreach (var member in MemberFrames)
        {
            member.Clear();
        }
    }
}
