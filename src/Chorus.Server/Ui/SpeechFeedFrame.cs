namespace Chorus.Server.Ui;

/// <summary>One fused grid frame of a speech chunk.</summary>
/// <param name="StartSeconds">Its start in the file, in seconds.</param>
/// <param name="DurationSeconds">Its length (the ensemble's grid hop).</param>
/// <param name="Probability">The fused speech probability.</param>
/// <param name="Speech">Whether the probability reaches the ensemble's threshold.</param>
/// <param name="Truth">Whether the frame's centre lies in a labelled speech segment.</param>
internal sealed record SpeechFeedFrame(double StartSeconds, double DurationSeconds, double Probability, bool Speech, bool Truth);
