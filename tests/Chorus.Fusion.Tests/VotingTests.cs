namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class VotingTests
{
    [Test]
    public void Soft_voting_with_weights_is_the_weighted_mean_of_the_rows()
    {
        var voting = new SoftVoting(2, 3, [3, 1]);
        var fused = new double[3];

        // (3·[.5 .3 .2] + 1·[.1 .1 .8]) / 4 = ([1.5 .9 .6] + [.1 .1 .8]) / 4 = [1.6 1.0 1.4] / 4 = [.4 .25 .35] → class 0.
        // Member 0's top class is 0 (agrees), member 1's is 2: agreement 1/2.
        var decision = voting.Fuse([0.5, 0.3, 0.2, 0.1, 0.1, 0.8], fused);

        Assert.That(fused, Is.EqualTo(new[] { 0.4, 0.25, 0.35 }).Within(1e-15));
        Assert.That(decision.ClassIndex, Is.Zero);
        Assert.That(decision.IsTie, Is.False);
        Assert.That(decision.Agreement, Is.EqualTo(0.5));
        Assert.That(decision.VotingMembers, Is.EqualTo(2));
        Assert.That(decision.ExcludedMembers, Is.Zero);
    }

    [Test]
    public void Soft_voting_without_weights_is_the_plain_mean()
    {
        var voting = new SoftVoting(2, 3);
        var fused = new double[3];

        // ([.5 .3 .2] + [.1 .1 .8]) / 2 = [.3 .2 .5] → class 2.
        var decision = voting.Fuse([0.5, 0.3, 0.2, 0.1, 0.1, 0.8], fused);

        Assert.That(fused, Is.EqualTo(new[] { 0.3, 0.2, 0.5 }).Within(1e-15));
        Assert.That(decision.ClassIndex, Is.EqualTo(2));
    }

    [Test]
    public void Soft_voting_leaves_out_a_member_with_a_NaN_and_renormalises()
    {
        var voting = new SoftVoting(3, 2, [1, 2, 1]);
        var fused = new double[2];

        // Member 1 is excluded; members 0 and 2 have weight 1 each: ([.6 .4] + [.2 .8]) / 2 = [.4 .6] → class 1.
        var decision = voting.Fuse([0.6, 0.4, double.NaN, 0.5, 0.2, 0.8], fused);

        Assert.That(fused, Is.EqualTo(new[] { 0.4, 0.6 }).Within(1e-15));
        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b010UL));
        Assert.That(decision.IsExcluded(1), Is.True);
        Assert.That(decision.IsExcluded(0), Is.False);
        Assert.That(decision.ExcludedCount, Is.EqualTo(1));
        Assert.That(decision.VotingMembers, Is.EqualTo(2));
        Assert.That(decision.Agreement, Is.EqualTo(0.5));
    }

    [Test]
    public void Soft_voting_treats_infinity_like_NaN()
    {
        var voting = new SoftVoting(2, 2);
        var fused = new double[2];

        var decision = voting.Fuse([double.PositiveInfinity, 0, 0.3, 0.7], fused);

        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b01UL));
        Assert.That(fused, Is.EqualTo(new[] { 0.3, 0.7 }));
    }

    [Test]
    public void Soft_voting_with_every_member_excluded_has_no_decision()
    {
        var voting = new SoftVoting(2, 2);
        var fused = new double[2];

        var decision = voting.Fuse([double.NaN, 0.5, 0.5, double.NegativeInfinity], fused);

        Assert.That(decision.HasDecision, Is.False);
        Assert.That(decision.ClassIndex, Is.EqualTo(-1));
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b11UL));
        Assert.That(decision.Agreement, Is.Zero);
        Assert.That(fused, Is.All.NaN);
    }

    [Test]
    public void Soft_voting_with_only_zero_weight_members_left_has_no_decision()
    {
        var voting = new SoftVoting(2, 2, [1, 0]);
        var fused = new double[2];

        var decision = voting.Fuse([double.NaN, 0.5, 0.2, 0.8], fused);

        Assert.That(decision.HasDecision, Is.False);
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b01UL));
    }

    [Test]
    public void Soft_voting_tie_goes_to_the_lowest_class_index()
    {
        var voting = new SoftVoting(2, 3);
        var fused = new double[3];

        // ([0 .6 .4] + [0 .4 .6]) / 2 = [0 .5 .5] (.6 + .4 is exactly 1 in binary64): classes 1 and 2 tie → class 1.
        var decision = voting.Fuse([0, 0.6, 0.4, 0, 0.4, 0.6], fused);

        Assert.That(fused, Is.EqualTo(new[] { 0, 0.5, 0.5 }));
        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.IsTie, Is.True);
        Assert.That(decision.Agreement, Is.EqualTo(0.5));
    }

    [Test]
    public void Hard_voting_three_way_tie_goes_to_the_lowest_class_index()
    {
        var voting = new HardVoting(3, 3);
        var fused = new double[3];

        // Votes 2, 1, 0: one each, a three-way tie; scikit-learn's argmax of the bincount gives the first, class 0.
        var decision = voting.Fuse([0.1, 0.2, 0.7, 0.2, 0.5, 0.3, 0.9, 0.05, 0.05], fused);

        Assert.That(decision.ClassIndex, Is.Zero);
        Assert.That(decision.IsTie, Is.True);
        Assert.That(fused, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }));
        Assert.That(decision.Agreement, Is.EqualTo(1 / 3.0));
    }

    [Test]
    public void Hard_voting_two_way_tie_between_c_and_b_gives_b()
    {
        // The reference's run: votes {c, b} gave b.
        var voting = new HardVoting(2, 3);
        var fused = new double[3];

        var decision = voting.FuseVotes([2, 1], fused);

        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.IsTie, Is.True);
        Assert.That(fused, Is.EqualTo(new[] { 0, 0.5, 0.5 }));
    }

    [Test]
    public void Weighted_hard_vote_ties_at_equal_weight_and_breaks_with_more()
    {
        var fused = new double[3];

        // The reference's runs: w = [1, 1, 2] on votes (a, a, c): a has 1 + 1 = 2, c has 2: tie → a.
        var tied = new HardVoting(3, 3, [1, 1, 2]).FuseVotes([0, 0, 2], fused);
        Assert.That(tied.ClassIndex, Is.Zero);
        Assert.That(tied.IsTie, Is.True);
        Assert.That(fused, Is.EqualTo(new[] { 0.5, 0, 0.5 }));
        Assert.That(tied.Agreement, Is.EqualTo(2 / 3.0));

        // w = [1, 1, 2.0001]: c has 2.0001 > 2 → c. Shares: 2/4.0001 and 2.0001/4.0001.
        var broken = new HardVoting(3, 3, [1, 1, 2.0001]).FuseVotes([0, 0, 2], fused);
        Assert.That(broken.ClassIndex, Is.EqualTo(2));
        Assert.That(broken.IsTie, Is.False);
        Assert.That(fused, Is.EqualTo(new[] { 2 / 4.0001, 0, 2.0001 / 4.0001 }).Within(1e-15));
        Assert.That(broken.Agreement, Is.EqualTo(1 / 3.0));
    }

    [Test]
    public void Hard_voting_on_scores_weights_each_members_top_class()
    {
        var voting = new HardVoting(3, 2, [0.5, 0.25, 0.5]);
        var fused = new double[2];

        // Tops: member 0 → 1, member 1 → 0, member 2 → 0. Class 0: .25 + .5 = .75, class 1: .5 → class 0; shares .6, .4.
        var decision = voting.Fuse([0.4, 0.6, 0.9, 0.1, 0.7, 0.3], fused);

        Assert.That(decision.ClassIndex, Is.Zero);
        Assert.That(decision.IsTie, Is.False);
        Assert.That(fused, Is.EqualTo(new[] { 0.6, 0.4 }).Within(1e-15));
        Assert.That(decision.Agreement, Is.EqualTo(2 / 3.0));
    }

    [Test]
    public void Hard_voting_member_with_a_NaN_abstains_and_is_reported()
    {
        var voting = new HardVoting(3, 2);
        var fused = new double[2];

        // Member 0 abstains; members 1 and 2 both vote 1.
        var decision = voting.Fuse([double.NaN, 0.1, 0.2, 0.8, 0.3, 0.7], fused);

        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b001UL));
        Assert.That(decision.Agreement, Is.EqualTo(1.0));
        Assert.That(fused, Is.EqualTo(new[] { 0.0, 1.0 }));
    }

    [Test]
    public void Hard_voting_abstention_by_vote_minus_one()
    {
        var voting = new HardVoting(2, 2);
        var fused = new double[2];

        var decision = voting.FuseVotes([-1, 1], fused);

        Assert.That(decision.ClassIndex, Is.EqualTo(1));
        Assert.That(decision.ExcludedMembers, Is.EqualTo(0b01UL));
        Assert.Throws<ArgumentOutOfRangeException>(() => voting.FuseVotes([2, 1], new double[2]));
    }

    [Test]
    public void Weighted_average_matches_the_reference_example_and_skips_non_finite_values()
    {
        // VotingRegressor with w = [3, 1] on (1, 3): (3·1 + 1·3) / 4 = 1.5.
        Assert.That(new WeightedAverage(2, [3, 1]).Fuse([1, 3]), Is.EqualTo(1.5));

        // The NaN member (weight 5) is left out: (3·1 + 1·3) / (3 + 1) = 1.5.
        var average = new WeightedAverage(3, [3, 5, 1]);
        Assert.That(average.Fuse([1, double.NaN, 3], out var excluded), Is.EqualTo(1.5));
        Assert.That(excluded, Is.EqualTo(0b010UL));
        Assert.That(average.Fuse([double.NaN, double.NaN, double.NaN], out excluded), Is.NaN);
        Assert.That(excluded, Is.EqualTo(0b111UL));
    }

    [Test]
    public void All_zero_weights_are_rejected()
    {
        var soft = Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(2, 3, [0, 0]));
        Assert.That(soft!.Message, Does.Contain("all 2 weights are zero"));
        Assert.Throws<FusionConfigurationException>(() => _ = new HardVoting(3, 3, [0, 0, 0]));
        Assert.Throws<FusionConfigurationException>(() => _ = new WeightedAverage(1, [0]));
    }

    [Test]
    public void Negative_and_non_finite_weights_are_rejected()
    {
        var negative = Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(2, 3, [1, -0.5]));
        Assert.That(negative!.Message, Does.Contain("member 1").And.Contain("-0.5"));
        Assert.Throws<FusionConfigurationException>(() => _ = new HardVoting(2, 3, [1, -1]));
        Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(2, 3, [1, double.NaN]));
        Assert.Throws<FusionConfigurationException>(() => _ = new WeightedAverage(2, [double.PositiveInfinity, 1]));
    }

    [Test]
    public void Weight_count_and_member_count_are_validated()
    {
        var count = Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(3, 2, [1, 1]));
        Assert.That(count!.Message, Does.Contain("2 weights").And.Contain("3 members"));
        Assert.Throws<FusionConfigurationException>(() => _ = new HardVoting(65, 2));
        Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(0, 2));
        Assert.Throws<FusionConfigurationException>(() => _ = new SoftVoting(2, 0));
        Assert.DoesNotThrow(() => _ = new SoftVoting(64, 2));
    }

    [Test]
    public void Wrong_span_lengths_throw()
    {
        var voting = new SoftVoting(2, 2);
        Assert.Throws<ArgumentException>(() => voting.Fuse(new double[3], new double[2]));
        Assert.Throws<ArgumentException>(() => voting.Fuse(new double[4], new double[1]));
    }

    [Test]
    public void Member_64_is_reported_in_the_top_bit()
    {
        var voting = new SoftVoting(64, 1);
        var scores = new double[64];
        Array.Fill(scores, 1.0);
        scores[63] = double.NaN;

        var decision = voting.Fuse(scores, new double[1]);

        Assert.That(decision.ExcludedMembers, Is.EqualTo(1UL << 63));
        Assert.That(decision.IsExcluded(63), Is.True);
        Assert.That(decision.VotingMembers, Is.EqualTo(63));
    }

    [Test]
    public void Soft_voting_fuse_allocates_nothing()
    {
        var voting = new SoftVoting(3, 4, [2, 1, 1]);
        var scores = new double[] { 0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1, double.NaN, 0, 0, 1 };
        var fused = new double[4];
        var sink = 0;
        sink += voting.Fuse(scores, fused).ClassIndex;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            sink += voting.Fuse(scores, fused).ClassIndex;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(sink, Is.EqualTo(10_001 * 3));
    }

    [Test]
    public void Hard_voting_label_alignment_and_weighted_average_allocate_nothing()
    {
        var hard = new HardVoting(3, 4, [2, 1, 1]);
        var average = new WeightedAverage(3, [2, 1, 1]);
        var alignment = LabelAlignment.Create(["a", "b", "c", "d"], ["d", "b"], "m");
        var scores = new double[] { 0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1, double.NaN, 0, 0, 1 };
        var memberRow = new float[] { 0.25f, 0.75f };
        var fused = new double[4];
        hard.Fuse(scores, fused);
        average.Fuse(scores.AsSpan(0, 3));
        alignment.Apply(memberRow, fused);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            hard.Fuse(scores, fused);
            average.Fuse(scores.AsSpan(0, 3));
            alignment.Apply(memberRow, fused);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
