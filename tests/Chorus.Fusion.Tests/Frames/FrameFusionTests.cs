using Chorus.Fusion.Frames;

namespace Chorus.Fusion.Tests.Frames;

[TestFixture]
public sealed class FrameFusionTests
{
    private const double Ms = 0.001;

    // Member A: 10 ms frames 0.1 … 0.7 over [0, 70 ms). Member B: 20 ms frames 0.2, 0.6, 1.0, 0.0 over [0, 80 ms).
    // Member C: 32 ms frames 0.8, 0.3 over [0, 64 ms). Grid hop 32 ms.
    // Grid frame 0 = [0, 32 ms):
    //   A: (10·0.1 + 10·0.2 + 10·0.3 + 2·0.4) / 32 = 6.8 / 32 = 0.2125
    //   B: (20·0.2 + 12·0.6) / 32 = 11.2 / 32 = 0.35
    //   C: 0.8
    // Grid frame 1 = [32, 64 ms):
    //   A: (8·0.4 + 10·0.5 + 10·0.6 + 4·0.7) / 32 = 17 / 32 = 0.53125
    //   B: (8·0.6 + 20·1.0 + 4·0.0) / 32 = 24.8 / 32 = 0.775
    //   C: 0.3
    private static readonly float[] s_a = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f];
    private static readonly float[] s_b = [0.2f, 0.6f, 1.0f, 0.0f];
    private static readonly float[] s_c = [0.8f, 0.3f];

    private static void AddAll(FrameFusion fusion, int member, float[] probabilities, double frameSeconds)
    {
        for (var i = 0; i < probabilities.Length; i++)
        {
            fusion.Add(member, i * frameSeconds, frameSeconds, probabilities[i]);
        }
    }

    private static List<FusedFrame> FuseThreeMembers(FrameFusionOptions options)
    {
        var fusion = new FrameFusion(3, options);
        AddAll(fusion, 0, s_a, 10 * Ms);
        AddAll(fusion, 1, s_b, 20 * Ms);
        AddAll(fusion, 2, s_c, 32 * Ms);
        var frames = new List<FusedFrame>();
        fusion.TakeReady(frames);
        return frames;
    }

    [Test]
    public void Soft_mode_averages_overlap_weighted_member_values_on_the_grid()
    {
        var frames = FuseThreeMembers(new FrameFusionOptions { GridHopSeconds = 32 * Ms });

        // (0.2125 + 0.35 + 0.8) / 3 = 0.454166…; (0.53125 + 0.775 + 0.3) / 3 = 0.535416…
        Assert.That(frames, Has.Count.EqualTo(2));
        Assert.That(frames[0].StartSeconds, Is.EqualTo(0.0));
        Assert.That(frames[0].DurationSeconds, Is.EqualTo(0.032).Within(1e-12));
        Assert.That(frames[0].Probability, Is.EqualTo(1.3625 / 3).Within(1e-6));
        Assert.That(frames[0].MembersPresent, Is.EqualTo(3));
        Assert.That(frames[1].StartSeconds, Is.EqualTo(0.032).Within(1e-12));
        Assert.That(frames[1].Probability, Is.EqualTo(1.60625 / 3).Within(1e-6));
    }

    [Test]
    public void Soft_mode_with_weights_is_the_weighted_mean()
    {
        var frames = FuseThreeMembers(new FrameFusionOptions { GridHopSeconds = 32 * Ms, Weights = [1, 2, 1] });

        // (0.2125 + 2·0.35 + 0.8) / 4 = 1.7125 / 4 = 0.428125; (0.53125 + 2·0.775 + 0.3) / 4 = 2.38125 / 4 = 0.5953125
        Assert.That(frames.Select(f => f.Probability), Is.EqualTo(new[] { 0.428125f, 0.5953125f }).Within(1e-6));
    }

    [Test]
    public void Hard_mode_is_the_weighted_share_of_members_at_or_above_the_threshold()
    {
        var frames = FuseThreeMembers(new FrameFusionOptions { GridHopSeconds = 32 * Ms, Weights = [1, 2, 1], Mode = FrameFusionMode.Hard });

        // Frame 0: A 0.2125 → 0, B 0.35 → 0, C 0.8 → 1: 1/4. Frame 1: A 0.53125 → 1, B 0.775 → 1, C 0.3 → 0: (1 + 2)/4.
        Assert.That(frames.Select(f => f.Probability), Is.EqualTo(new[] { 0.25f, 0.75f }));
    }

    [Test]
    public void Hard_mode_counts_a_value_equal_to_the_threshold_as_speech()
    {
        var fusion = new FrameFusion(2, new FrameFusionOptions { GridHopSeconds = 0.1, Mode = FrameFusionMode.Hard, BinarizeThreshold = 0.6f });
        fusion.Add(0, 0, 0.1, 0.6f);
        fusion.Add(1, 0, 0.1, 0.59f);
        var frames = new List<FusedFrame>();
        fusion.TakeReady(frames);

        Assert.That(frames.Single().Probability, Is.EqualTo(0.5f));
    }

    [Test]
    public void A_grid_frame_waits_until_every_live_member_covers_it()
    {
        var fusion = new FrameFusion(3, new FrameFusionOptions { GridHopSeconds = 32 * Ms });
        var frames = new List<FusedFrame>();
        AddAll(fusion, 0, s_a, 10 * Ms);
        AddAll(fusion, 1, s_b, 20 * Ms);
        Assert.That(fusion.TakeReady(frames), Is.Zero, "member C has no frame yet");

        fusion.Add(2, 0, 32 * Ms, s_c[0]);
        Assert.That(fusion.TakeReady(frames), Is.EqualTo(1));
        fusion.Add(2, 32 * Ms, 32 * Ms, s_c[1]);
        Assert.That(fusion.TakeReady(frames), Is.EqualTo(1), "grid frame 2 [64, 96 ms) is not covered: A reaches 70 ms, C 64 ms");
        Assert.That(fusion.TakeReady(frames), Is.Zero);
        Assert.That(frames, Has.Count.EqualTo(2));
    }

    [Test]
    public void Complete_emits_the_partly_covered_rest_shortened_to_the_furthest_end()
    {
        var fusion = new FrameFusion(3, new FrameFusionOptions { GridHopSeconds = 32 * Ms });
        AddAll(fusion, 0, s_a, 10 * Ms);
        AddAll(fusion, 1, s_b, 20 * Ms);
        AddAll(fusion, 2, s_c, 32 * Ms);
        var frames = new List<FusedFrame>();
        fusion.TakeReady(frames);
        var rest = new List<FusedFrame>();

        // Grid frame 2 = [64, 96 ms), stream end = furthest member end = B's 80 ms → duration 16 ms.
        // A covers [64, 70 ms) with 0.7 → 0.7; B covers [64, 80 ms) with 0.0 → 0.0; C is absent. (0.7 + 0) / 2 = 0.35.
        Assert.That(fusion.Complete(rest), Is.EqualTo(1));
        Assert.That(rest[0].StartSeconds, Is.EqualTo(0.064).Within(1e-12));
        Assert.That(rest[0].DurationSeconds, Is.EqualTo(0.016).Within(1e-12));
        Assert.That(rest[0].Probability, Is.EqualTo(0.35f).Within(1e-6));
        Assert.That(rest[0].MembersPresent, Is.EqualTo(2));
        Assert.That(fusion.Complete(rest), Is.Zero, "a second Complete emits nothing");
    }

    [Test]
    public void A_failed_member_counts_for_frames_it_covered_and_weights_renormalise_after()
    {
        var fusion = new FrameFusion(2, new FrameFusionOptions { GridHopSeconds = 0.1, Weights = [3, 1] });
        var frames = new List<FusedFrame>();
        fusion.Add(0, 0.0, 0.1, 0.9f);
        fusion.Add(1, 0.0, 0.1, 0.1f);
        fusion.Add(1, 0.1, 0.1, 0.1f);
        fusion.Add(1, 0.2, 0.05, 0.1f); // half of grid frame 2, then the member fails
        fusion.MarkFailed(1);
        fusion.Add(1, 0.25, 0.05, 0.1f); // ignored: the member failed
        fusion.Add(0, 0.1, 0.1, 0.9f);
        fusion.Add(0, 0.2, 0.1, 0.9f);
        fusion.TakeReady(frames);

        // Frames 0 and 1 were covered by both: (3·0.9 + 1·0.1) / 4 = 2.8 / 4 = 0.7.
        // Frame 2: member 1 failed before covering it, so only member 0: 3·0.9 / 3 = 0.9.
        Assert.That(frames.Select(f => f.Probability), Is.EqualTo(new[] { 0.7f, 0.7f, 0.9f }).Within(1e-6));
        Assert.That(frames.Select(f => f.MembersPresent), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(fusion.IsFailed(1), Is.True);
    }

    [Test]
    public void Marking_the_slowest_member_failed_releases_the_frames_it_held_back()
    {
        var fusion = new FrameFusion(2, new FrameFusionOptions { GridHopSeconds = 0.1 });
        var frames = new List<FusedFrame>();
        fusion.Add(0, 0.0, 0.3, 0.8f);
        Assert.That(fusion.TakeReady(frames), Is.Zero);
        fusion.MarkFailed(1);
        Assert.That(fusion.TakeReady(frames), Is.EqualTo(3));
        Assert.That(frames.Select(f => f.Probability), Is.All.EqualTo(0.8f));
    }

    [Test]
    public void Zero_weights_of_all_present_members_fall_back_to_equal_weights()
    {
        var fusion = new FrameFusion(3, new FrameFusionOptions { GridHopSeconds = 0.1, Weights = [1, 0, 0] });
        var frames = new List<FusedFrame>();
        fusion.MarkFailed(0);
        fusion.Add(1, 0.0, 0.1, 0.2f);
        fusion.Add(2, 0.0, 0.1, 0.6f);
        fusion.TakeReady(frames);

        // Members 1 and 2 both weigh 0: (0.2 + 0.6) / 2 = 0.4.
        Assert.That(frames.Single().Probability, Is.EqualTo(0.4f).Within(1e-6));
    }

    [Test]
    public void A_member_with_a_gap_is_absent_from_the_grid_frames_it_skipped()
    {
        var fusion = new FrameFusion(2, new FrameFusionOptions { GridHopSeconds = 0.1 });
        var frames = new List<FusedFrame>();
        fusion.Add(0, 0.0, 0.3, 0.9f);
        fusion.Add(1, 0.0, 0.1, 0.1f);
        fusion.Add(1, 0.2, 0.1, 0.5f); // nothing over [0.1, 0.2)
        fusion.TakeReady(frames);

        // Frame 0: (0.9 + 0.1)/2 = 0.5; frame 1: member 1 absent → 0.9; frame 2: (0.9 + 0.5)/2 = 0.7.
        Assert.That(frames.Select(f => f.Probability), Is.EqualTo(new[] { 0.5f, 0.9f, 0.7f }).Within(1e-6));
        Assert.That(frames.Select(f => f.MembersPresent), Is.EqualTo(new[] { 2, 1, 2 }));
    }

    [Test]
    public void Streaming_output_equals_one_shot_output_however_members_interleave()
    {
        var random = new Random(20261122);
        double[] frameSizes = [0.010, 0.020, 0.032];
        int[] frameCounts = [300, 150, 93]; // 3 s, 3 s, 2.976 s
        var tracks = frameCounts.Select(count => Enumerable.Range(0, count).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var options = new FrameFusionOptions { Weights = [0.5, 1.5, 1.0] };

        var oneShot = new FrameFusion(3, options);
        for (var m = 0; m < 3; m++)
        {
            AddAll(oneShot, m, tracks[m], frameSizes[m]);
        }

        var expected = new List<FusedFrame>();
        oneShot.TakeReady(expected);
        oneShot.Complete(expected);

        for (var trial = 0; trial < 5; trial++)
        {
            var streaming = new FrameFusion(3, options);
            var actual = new List<FusedFrame>();
            var next = new int[3];
            while (next.Zip(tracks, (n, t) => n < t.Length).Any(left => left))
            {
                var m = random.Next(3);
                if (next[m] < tracks[m].Length)
                {
                    streaming.Add(m, next[m] * frameSizes[m], frameSizes[m], tracks[m][next[m]]);
                    next[m]++;
                    streaming.TakeReady(actual);
                }
            }

            streaming.Complete(actual);
            Assert.That(actual, Is.EqualTo(expected), $"interleaving {trial}");
        }

        Assert.That(expected, Has.Count.EqualTo(94), "3 s on a 32 ms grid = 93.75 frames, the last one 24 ms long");
        Assert.That(expected[^1].DurationSeconds, Is.EqualTo(0.024).Within(1e-9));
    }

    [Test]
    public void Bad_frames_are_rejected_with_errors_that_name_the_problem()
    {
        var fusion = new FrameFusion(2, new FrameFusionOptions());
        Assert.That(() => fusion.Add(0, 0, 0.032, float.NaN), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("NaN").And.Message.Contains("MarkFailed"));
        Assert.That(() => fusion.Add(0, 0, 0.032, 1.5f), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("[0, 1]"));
        Assert.That(() => fusion.Add(2, 0, 0.032, 0.5f), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("Member index 2"));
        Assert.That(() => fusion.Add(0, -1, 0.032, 0.5f), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => fusion.Add(0, 0, 0, 0.5f), Throws.TypeOf<ArgumentOutOfRangeException>());
        fusion.Add(0, 0.0, 0.032, 0.5f);
        Assert.That(() => fusion.Add(0, 0.016, 0.032, 0.5f), Throws.ArgumentException.With.Message.Contains("time order"));
        fusion.Complete([]);
        Assert.That(() => fusion.Add(1, 0.0, 0.032, 0.5f), Throws.InvalidOperationException);
    }

    [Test]
    public void Bad_options_are_rejected_at_construction()
    {
        Assert.That(() => new FrameFusion(2, new FrameFusionOptions { Weights = [1] }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("1 weights"));
        Assert.That(() => new FrameFusion(2, new FrameFusionOptions { Weights = [0, 0] }), Throws.TypeOf<FusionConfigurationException>());
        Assert.That(() => new FrameFusion(0, new FrameFusionOptions()), Throws.TypeOf<FusionConfigurationException>());
        Assert.That(() => new FrameFusion(1, new FrameFusionOptions { GridHopSeconds = 0 }), Throws.TypeOf<FusionConfigurationException>().With.Message.Contains("grid hop"));
        Assert.That(() => new FrameFusion(1, new FrameFusionOptions { BinarizeThreshold = float.NaN }), Throws.TypeOf<FusionConfigurationException>());
    }
}
