using Chorus.Fusion.Frames;

namespace Chorus.Fusion.Tests.Frames;

[TestFixture]
public sealed class SpeechSegmenterTests
{
    // Most examples use 0.1 s frames so the arithmetic reads easily: frame i spans [0.1·i, 0.1·(i+1)).
    private const double Hop = 0.1;

    private static readonly SpeechSegmenterOptions s_bare = new() { Onset = 0.5f, Offset = 0.3f, MinSpeechSeconds = 0, MinSilenceSeconds = 0, PadSeconds = 0 };

    private static List<FusedFrame> Frames(params float[] probabilities)
        => probabilities.Select((p, i) => new FusedFrame(i * Hop, Hop, p, 1)).ToList();

    private static void AssertSegments(IReadOnlyList<SpeechSegment> actual, params (double Start, double End, double Confidence)[] expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Length), string.Join(", ", actual));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.That(actual[i].StartSeconds, Is.EqualTo(expected[i].Start).Within(1e-9), $"start of segment {i}");
            Assert.That(actual[i].EndSeconds, Is.EqualTo(expected[i].End).Within(1e-9), $"end of segment {i}");
            Assert.That(actual[i].Confidence, Is.EqualTo(expected[i].Confidence).Within(1e-6), $"confidence of segment {i}");
        }
    }

    [Test]
    public void Hysteresis_keeps_the_previous_state_between_offset_and_onset()
    {
        // 0.4 lies between offset 0.3 and onset 0.5. Frame 0 (0.4) stays off (the state starts off); frame 1 (0.6) turns
        // on; frames 2-3 (0.4) stay on; frame 4 (0.2 < 0.3) turns off; frame 5 (0.4) stays off.
        var segments = SpeechSegmenter.Segment(Frames(0.4f, 0.6f, 0.4f, 0.4f, 0.2f, 0.4f), s_bare);

        // Region [0.1, 0.4), confidence (0.6 + 0.4 + 0.4) / 3 = 0.4667.
        AssertSegments(segments, (0.1, 0.4, 1.4 / 3));
    }

    [Test]
    public void Onset_is_inclusive_and_offset_exclusive()
    {
        // 0.5 ≥ onset turns on; 0.3 is not below the offset so it stays on; 0.29 turns off.
        var segments = SpeechSegmenter.Segment(Frames(0.5f, 0.3f, 0.29f, 0.49f), s_bare);

        AssertSegments(segments, (0.0, 0.2, 0.4));
    }

    [Test]
    public void The_default_offset_is_onset_minus_0_15_but_at_least_0_01_as_silero()
    {
        Assert.That(new SpeechSegmenterOptions().EffectiveOffset, Is.EqualTo(0.35f).Within(1e-6));
        Assert.That(new SpeechSegmenterOptions { Onset = 0.1f }.EffectiveOffset, Is.EqualTo(0.01f));
        Assert.That(new SpeechSegmenterOptions { Onset = 0.8f, Offset = 0.7f }.EffectiveOffset, Is.EqualTo(0.7f));

        // Defaults: onset 0.5, offset 0.35. 0.36 keeps speech on, 0.34 ends it. Bare durations to isolate the thresholds.
        var options = new SpeechSegmenterOptions { MinSpeechSeconds = 0, MinSilenceSeconds = 0, PadSeconds = 0 };
        AssertSegments(SpeechSegmenter.Segment(Frames(0.9f, 0.36f, 0.34f, 0.36f), options), (0.0, 0.2, 0.63));
    }

    [Test]
    public void Silences_shorter_than_min_silence_are_bridged()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSilenceSeconds = 0.2, MinSpeechSeconds = 0, PadSeconds = 0 };

        // Speech frames 0-1, 3-4, 7. The 0.1 s silence (frame 2) is < 0.2 → bridged: [0, 0.5), confidence
        // (0.9 + 0.9 + 0.1 + 0.9 + 0.9) / 5 = 0.74. The 0.2 s silence (frames 5-6) is not < 0.2 → kept: [0.7, 0.8).
        var segments = SpeechSegmenter.Segment(Frames(0.9f, 0.9f, 0.1f, 0.9f, 0.9f, 0.1f, 0.1f, 0.9f, 0.1f), options);

        AssertSegments(segments, (0.0, 0.5, 0.74), (0.7, 0.8, 0.9));
    }

    [Test]
    public void Speech_shorter_than_min_speech_is_dropped_and_equal_length_is_kept()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0.3, MinSilenceSeconds = 0, PadSeconds = 0 };

        // Frames 0-1 (0.2 s) are dropped; frames 3-5 (0.3 s, not < 0.3) are kept.
        var segments = SpeechSegmenter.Segment(Frames(0.9f, 0.9f, 0.0f, 0.8f, 0.8f, 0.8f, 0.0f), options);

        AssertSegments(segments, (0.3, 0.6, 0.8));
    }

    [Test]
    public void Bridging_comes_before_min_speech()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0.25, MinSilenceSeconds = 0.2, PadSeconds = 0 };

        // Two 0.2 s regions (frames 0-1 and 3-4) with a 0.1 s gap. Bridged first they make one 0.5 s region, which is
        // long enough. (Removing short regions first, as pyannote 2 did, would drop both.)
        // Confidence (0.8 + 0.8 + 0.2 + 0.8 + 0.8) / 5 = 0.68.
        var segments = SpeechSegmenter.Segment(Frames(0.8f, 0.8f, 0.2f, 0.8f, 0.8f, 0.0f, 0.0f, 0.0f), options);

        AssertSegments(segments, (0.0, 0.5, 0.68));
    }

    [Test]
    public void Min_speech_is_measured_before_padding()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0.25, MinSilenceSeconds = 0, PadSeconds = 0.1 };

        // A 0.2 s region would be 0.4 s after padding, but min speech looks at the unpadded 0.2 s: dropped.
        var segments = SpeechSegmenter.Segment(Frames(0.0f, 0.9f, 0.9f, 0.0f, 0.0f), options);

        Assert.That(segments, Is.Empty);
    }

    [Test]
    public void Padded_segments_that_touch_or_overlap_are_merged_and_others_are_not()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0, MinSilenceSeconds = 0.1, PadSeconds = 0.1 };

        // Regions [0.3, 0.5) and [0.8, 1.0): gap 0.3 > 2·pad → separate, padded [0.2, 0.6) and [0.7, 1.1).
        var apart = SpeechSegmenter.Segment(Frames(0, 0, 0, 0.9f, 0.9f, 0, 0, 0, 0.7f, 0.7f, 0, 0, 0), options);
        AssertSegments(apart, (0.2, 0.6, 0.9), (0.7, 1.1, 0.7));

        // Regions [0.3, 0.5) and [0.7, 0.9): gap 0.2 = 2·pad → padded [0.2, 0.6) and [0.6, 1.0) touch → one [0.2, 1.0).
        // Confidence over the unpadded extent [0.3, 0.9): (0.9 + 0.9 + 0 + 0 + 0.6 + 0.6) / 6 = 0.5.
        var merged = SpeechSegmenter.Segment(Frames(0, 0, 0, 0.9f, 0.9f, 0, 0, 0.6f, 0.6f, 0, 0, 0), options);
        AssertSegments(merged, (0.2, 1.0, 0.5));
    }

    [Test]
    public void Padding_is_clamped_to_zero_and_to_the_stream_end()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0, MinSilenceSeconds = 0, PadSeconds = 0.15 };

        // Region [0, 0.2) padded to [-0.15, 0.35) → [0, 0.35). Region [0.6, 0.8) runs to the end of the last frame
        // (0.8 s) → padded [0.45, 0.95) → end clamped to 0.8.
        var segments = SpeechSegmenter.Segment(Frames(0.9f, 0.9f, 0, 0, 0, 0, 0.7f, 0.7f), options);
        AssertSegments(segments, (0.0, 0.35, 0.9), (0.45, 0.8, 0.7));

        // Streaming with a stream end after the last frame: the end pads to 0.95, within the 1.0 s stream.
        var segmenter = new SpeechSegmenter(options);
        var streamed = new List<SpeechSegment>();
        foreach (var frame in Frames(0.9f, 0.9f, 0, 0, 0, 0, 0.7f, 0.7f))
        {
            segmenter.Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, streamed);
        }

        segmenter.Complete(1.0, streamed);
        AssertSegments(streamed, (0.0, 0.35, 0.9), (0.45, 0.95, 0.7));
    }

    [Test]
    public void A_segment_is_reported_as_soon_as_no_later_frame_can_change_it()
    {
        var options = new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.5f, MinSpeechSeconds = 0, MinSilenceSeconds = 0.2, PadSeconds = 0.05 };
        var segmenter = new SpeechSegmenter(options);
        var completed = new List<SpeechSegment>();
        float[] probabilities = [0, 0.9f, 0.9f, 0.9f, 0, 0, 0, 0];

        // Region [0.1, 0.4). A frame turning on before 0.6 s would bridge it (gap < 0.2), so it is final once the
        // frame ending at 0.6 s is in; its padded end 0.45 is then safe from merging, as any later region starts at
        // or after 0.6 and pads back only to 0.55.
        for (var i = 0; i < 5; i++)
        {
            segmenter.Push(i * Hop, Hop, probabilities[i], completed);
            Assert.That(completed, Is.Empty, $"after frame {i}");
        }

        segmenter.Push(5 * Hop, Hop, probabilities[5], completed);
        AssertSegments(completed, (0.05, 0.45, 0.9));
    }

    [Test]
    public void A_gap_between_frames_counts_as_probability_zero()
    {
        var segmenter = new SpeechSegmenter(s_bare);
        var completed = new List<SpeechSegment>();
        segmenter.Push(0.0, 0.1, 0.9f, completed);
        segmenter.Push(0.3, 0.1, 0.9f, completed); // [0.1, 0.3) missing: silence
        segmenter.Complete(0.4, completed);

        AssertSegments(completed, (0.0, 0.1, 0.9), (0.3, 0.4, 0.9));
    }

    [Test]
    public void Streaming_in_any_chunking_equals_the_one_shot_segmentation()
    {
        var random = new Random(7);
        var options = new SpeechSegmenterOptions();
        var probability = 0.5;
        var frames = new List<FusedFrame>();
        for (var i = 0; i < 2000; i++)
        {
            probability = Math.Clamp(probability + ((random.NextDouble() - 0.5) * 0.4), 0, 1);
            frames.Add(new FusedFrame(i * 0.032, 0.032, (float)probability, 3));
        }

        var expected = SpeechSegmenter.Segment(frames, options);
        var segmenter = new SpeechSegmenter(options);
        var streamed = new List<SpeechSegment>();
        var emittedBeforeEnd = 0;
        foreach (var frame in frames)
        {
            segmenter.Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, streamed);
            emittedBeforeEnd = streamed.Count;
        }

        segmenter.Complete(2000 * 0.032, streamed);
        Assert.That(streamed, Is.EqualTo(expected));
        Assert.That(expected, Has.Count.GreaterThan(5));
        Assert.That(emittedBeforeEnd, Is.GreaterThanOrEqualTo(expected.Count - 1), "all but possibly the last segment stream out before Complete");
    }

    [Test]
    public void NaN_and_out_of_range_probabilities_are_rejected()
    {
        var segmenter = new SpeechSegmenter(new SpeechSegmenterOptions());
        var completed = new List<SpeechSegment>();
        Assert.That(() => segmenter.Push(0, 0.032, float.NaN, completed), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("NaN"));
        Assert.That(() => segmenter.Push(0, 0.032, -0.1f, completed), Throws.TypeOf<ArgumentOutOfRangeException>());
        segmenter.Push(0, 0.032, 0.9f, completed);
        Assert.That(() => segmenter.Push(0.02, 0.032, 0.9f, completed), Throws.ArgumentException.With.Message.Contains("time order"));
        Assert.That(() => segmenter.Complete(0.01, completed), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("stream end"));
        segmenter.Complete(0.032, completed);
        Assert.That(() => segmenter.Push(0.032, 0.032, 0.9f, completed), Throws.InvalidOperationException);
    }

    [Test]
    public void Bad_options_are_rejected_at_construction()
    {
        Assert.That(() => new SpeechSegmenter(new SpeechSegmenterOptions { Onset = 0.5f, Offset = 0.6f }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("offset"));
        Assert.That(() => new SpeechSegmenter(new SpeechSegmenterOptions { Onset = 1.5f }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("onset"));
        Assert.That(() => new SpeechSegmenter(new SpeechSegmenterOptions { MinSpeechSeconds = -1 }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("MinSpeechSeconds"));
        Assert.That(() => new SpeechSegmenter(new SpeechSegmenterOptions { PadSeconds = double.NaN }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("PadSeconds"));
    }
}
