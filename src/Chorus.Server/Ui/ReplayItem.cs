namespace Chorus.Server.Ui;

/// <summary>One replayed sample: the ensemble's input, the true label and, for image data, a picture to draw.</summary>
/// <param name="Input">SampleSize values for the ensemble.</param>
/// <param name="TrueLabel">The label the data set gives.</param>
/// <param name="Image">A grey-scale picture of the sample, or null when the source has none (audio).</param>
internal sealed record ReplayItem(ReadOnlyMemory<float> Input, string TrueLabel, ReplayImage? Image);
