namespace Chorus.Fusion.Frames;

/// <summary>One frame of the common grid after fusion.</summary>
/// <param name="StartSeconds">Where the frame starts: its grid index times the grid hop.</param>
/// <param name="DurationSeconds">The grid hop, or less for the last frame of a stream that ends inside it.</param>
/// <param name="Probability">The fused speech probability in [0, 1]; 0 when no member covered the frame.</param>
/// <param name="MembersPresent">How many members contributed to the frame (failed members and members with no frame there do not).</param>
public readonly record struct FusedFrame(double StartSeconds, double DurationSeconds, float Probability, int MembersPresent);
