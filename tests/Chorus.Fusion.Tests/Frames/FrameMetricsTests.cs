using Chorus.Fusion.Frames;

namespace Chorus.Fusion.Tests.Frames;

[TestFixture]
public sealed class FrameMetricsTests
{
    private static SpeechSegment S(double start, double end) => new(start, end, 1f);

    [Test]
    public void Frames_are_speech_when_their_centre_lies_in_a_segment()
    {
        // 1 s at 0.1 s: 10 frames, centres 0.05 … 0.95. Reference [0.2, 0.6) → centres 0.25 0.35 0.45 0.55 = frames 2-5.
        // Predicted [0.3, 0.75) → frames 3-6. TP = 3 (3, 4, 5), FP = 1 (6), FN = 1 (2): P = R = F1 = 0.75.
        var result = FrameMetrics.Evaluate([S(0.3, 0.75)], [S(0.2, 0.6)], 1.0, 0.1);

        Assert.That(result, Is.EqualTo(new FrameScoreResult(0.75, 0.75, 0.75, 3, 1, 1, 10)));
    }

    [Test]
    public void Segments_beyond_the_duration_count_only_inside_it()
    {
        // Adds predicted [0.9, 1.5): only frame 9 (centre 0.95) is inside the 1 s. TP 3, FP 2, FN 1:
        // P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 6 / (6 + 2 + 1) = 2/3.
        var result = FrameMetrics.Evaluate([S(0.9, 1.5), S(0.3, 0.75)], [S(0.2, 0.6)], 1.0, 0.1);

        Assert.That(result.TruePositives, Is.EqualTo(3));
        Assert.That(result.FalsePositives, Is.EqualTo(2));
        Assert.That(result.FalseNegatives, Is.EqualTo(1));
        Assert.That(result.Precision, Is.EqualTo(0.6).Within(1e-15));
        Assert.That(result.Recall, Is.EqualTo(0.75).Within(1e-15));
        Assert.That(result.F1, Is.EqualTo(2.0 / 3).Within(1e-15));
    }

    [Test]
    public void A_segment_start_on_a_centre_includes_that_frame_and_an_end_on_a_centre_excludes_it()
    {
        // [0.25, 0.45): centre 0.25 is in (start ≤ c), 0.45 is out (c < end) → frames 2, 3.
        var result = FrameMetrics.Evaluate([S(0.25, 0.45)], [S(0.2, 0.4)], 1.0, 0.1);

        Assert.That(result.TruePositives, Is.EqualTo(2));
        Assert.That(result.FalsePositives, Is.Zero);
        Assert.That(result.FalseNegatives, Is.Zero);
    }

    [Test]
    public void The_frame_count_covers_the_frames_whose_centre_is_before_the_duration()
    {
        // Centre of frame 10 is 1.05: outside 1.04 s, inside 1.06 s.
        Assert.That(FrameMetrics.Evaluate([], [], 1.04, 0.1).Frames, Is.EqualTo(10));
        Assert.That(FrameMetrics.Evaluate([], [], 1.06, 0.1).Frames, Is.EqualTo(11));
        Assert.That(FrameMetrics.Evaluate([], [], 20.0, 0.01).Frames, Is.EqualTo(2000));
    }

    [Test]
    public void No_speech_anywhere_scores_zero_as_scikit_learn_zero_division_does()
    {
        var result = FrameMetrics.Evaluate([], [], 1.0, 0.1);

        Assert.That(result, Is.EqualTo(new FrameScoreResult(0, 0, 0, 0, 0, 0, 10)));
    }

    [Test]
    public void Bad_arguments_are_rejected()
    {
        Assert.That(() => FrameMetrics.Evaluate([], [], double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => FrameMetrics.Evaluate([], [], 1, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => FrameMetrics.Evaluate([S(double.NaN, 1)], [], 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("NaN"));
    }
}
