using Chorus.Fusion.Frames;

namespace Chorus.Cli.Speech;

/// <summary>One WAV file through a speech ensemble: fused segments, each member's own segments, the audio's length.</summary>
internal sealed record VadResult(
    string File,
    double DurationSeconds,
    IReadOnlyList<string> Members,
    IReadOnlyList<SpeechSegment> Fused,
    IReadOnlyList<IReadOnlyList<SpeechSegment>> PerMember,
    IReadOnlyDictionary<string, string> FailedMembers);
