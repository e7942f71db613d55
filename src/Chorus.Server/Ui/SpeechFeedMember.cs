namespace Chorus.Server.Ui;

/// <summary>One speech ensemble member's part in a chunk.</summary>
/// <param name="Id">The member's plugin id.</param>
/// <param name="Probability">The mean of its own frame probabilities in the chunk; null when it gave none.</param>
/// <param name="Frames">Its own frame probabilities in the chunk, in time order (its own frame length).</param>
/// <param name="LatencyMs">Its compute time for the chunk, in milliseconds.</param>
/// <param name="Error">Why it is out of the stream (it failed); null while it answers.</param>
internal sealed record SpeechFeedMember(string Id, double? Probability, IReadOnlyList<double> Frames, double LatencyMs, string? Error);
