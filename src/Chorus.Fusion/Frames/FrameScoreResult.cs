namespace Chorus.Fusion.Frames;

/// <summary>Frame-level scores of a speech detection against a reference; the positive class is speech.</summary>
/// <param name="Precision">TP / (TP + FP); 0 when nothing was predicted as speech (scikit-learn's zero_division default).</param>
/// <param name="Recall">TP / (TP + FN); 0 when the reference has no speech.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN); 0 when that denominator is 0.</param>
/// <param name="TruePositives">Frames that are speech in both.</param>
/// <param name="FalsePositives">Frames predicted as speech that the reference says are not.</param>
/// <param name="FalseNegatives">Reference speech frames the prediction missed.</param>
/// <param name="Frames">All frames scored.</param>
public readonly record struct FrameScoreResult(double Precision, double Recall, double F1, int TruePositives, int FalsePositives, int FalseNegatives, int Frames);
