namespace Chorus.Fusion.Tests;

[TestFixture]
public sealed class LabelAlignmentTests
{
    private static readonly string[] s_ensemble = ["cat", "dog", "bird"];

    [Test]
    public void Reversed_order_is_mapped_by_name()
    {
        var alignment = LabelAlignment.Create(s_ensemble, ["bird", "dog", "cat"], "reversed");
        var row = new double[3];

        // Member columns bird=.1, dog=.3, cat=.6 → ensemble order cat, dog, bird = [.6 .3 .1].
        alignment.Apply([0.1f, 0.3f, 0.6f], row);

        Assert.That(row, Is.EqualTo(new[] { 0.6f, 0.3f, 0.1f }.Select(v => (double)v)));
        Assert.That(alignment.CoversAll, Is.True);
        Assert.That(alignment.IsIdentity, Is.False);
        Assert.That(alignment.EnsembleIndexOf(0), Is.EqualTo(2));
    }

    [Test]
    public void A_subset_gets_zero_for_the_classes_it_does_not_cover()
    {
        var alignment = LabelAlignment.Create(s_ensemble, ["bird", "cat"], "subset");
        var row = new[] { 9.0, 9.0, 9.0 };

        // bird=.7, cat=.3; dog is not covered → [.3 0 .7].
        alignment.Apply([0.7, 0.3], row);

        Assert.That(row, Is.EqualTo(new[] { 0.3, 0, 0.7 }));
        Assert.That(alignment.CoversAll, Is.False);
        Assert.That(alignment.MemberClassCount, Is.EqualTo(2));
        Assert.That(alignment.EnsembleClassCount, Is.EqualTo(3));
    }

    [Test]
    public void Same_order_is_the_identity()
    {
        var alignment = LabelAlignment.Create(s_ensemble, s_ensemble, "same");
        var row = new double[3];

        alignment.Apply([0.2, 0.3, 0.5], row);

        Assert.That(alignment.IsIdentity, Is.True);
        Assert.That(row, Is.EqualTo(new[] { 0.2, 0.3, 0.5 }));
    }

    [Test]
    public void Unknown_label_is_rejected_naming_member_label_and_the_ensembles_labels()
    {
        var error = Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create(s_ensemble, ["cat", "zebra"], "zoo-cnn"));

        Assert.That(error!.Message, Does.Contain("'zoo-cnn'").And.Contain("'zebra'").And.Contain("[cat, dog, bird]"));
        Assert.That(error.ModelName, Is.EqualTo("zoo-cnn"));
    }

    [Test]
    public void Duplicate_labels_are_rejected()
    {
        var member = Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create(s_ensemble, ["cat", "cat"], "twice"));
        Assert.That(member!.Message, Does.Contain("'cat' twice").And.Contain("'twice'"));

        var ensemble = Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create(["a", "b", "a"], ["a"], "m"));
        Assert.That(ensemble!.Message, Does.Contain("the ensemble").And.Contain("'a' twice"));
    }

    [Test]
    public void Labels_are_case_sensitive_and_lists_must_not_be_empty()
    {
        Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create(s_ensemble, ["Cat"], "m"));
        Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create(s_ensemble, [], "m"));
        Assert.Throws<FusionConfigurationException>(() => LabelAlignment.Create([], ["cat"], "m"));
    }

    [Test]
    public void Wrong_row_lengths_throw()
    {
        var alignment = LabelAlignment.Create(s_ensemble, ["dog"], "m");
        Assert.Throws<ArgumentException>(() => alignment.Apply([0.1, 0.2], new double[3]));
        Assert.Throws<ArgumentException>(() => alignment.Apply([0.1], new double[2]));
    }
}
