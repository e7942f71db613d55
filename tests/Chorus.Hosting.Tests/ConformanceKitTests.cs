using NUnit.Framework.Internal;

namespace Chorus.Hosting.Tests;

/// <summary>
/// Proves the conformance kit can fail: its checks, run on a plugin whose scores do not sum to 1, fail exactly where that
/// contract is checked, and pass elsewhere.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ConformanceKitTests
{
    [Test]
    public void The_kit_fails_a_plugin_whose_scores_do_not_sum_to_one()
    {
        var fixture = new UnnormalizedPluginConformanceTests();
        fixture.LoadPlugin();
        try
        {
            Assert.That(Run(fixture.Manifest_is_valid_and_says_where_the_model_came_from), Is.Null);
            Assert.That(Run(fixture.Plugin_loads_and_matches_its_manifest), Is.Null);
            Assert.That(Run(fixture.Concurrent_predictions_agree_with_a_single_one), Is.Null);
            Assert.That(Run(fixture.Wrong_sample_length_is_refused_and_the_model_keeps_working), Is.Null);

            // 0.5 for each of 3 labels: a row sums to 1.5.
            Assert.That(Run(() => fixture.Predict_gives_one_row_of_scores_per_sample(1)), Does.Contain("row 0: probabilities sum to 1").And.Contains("1.5"));
            Assert.That(Run(() => fixture.Predict_gives_one_row_of_scores_per_sample(3)), Does.Contain("row 0: probabilities sum to 1"));
        }
        finally
        {
            fixture.UnloadPlugin();
            fixture.DeleteFolder();
        }
    }

    [Test]
    public void The_same_checks_pass_a_conforming_plugin()
    {
        // The control for the test above: the helper reports no failure where the kit finds none.
        var fixture = new EchoPluginConformanceTests();
        fixture.LoadPlugin();
        try
        {
            Assert.That(Run(() => fixture.Predict_gives_one_row_of_scores_per_sample(1)), Is.Null);
            Assert.That(Run(() => fixture.Predict_gives_one_row_of_scores_per_sample(3)), Is.Null);
        }
        finally
        {
            fixture.UnloadPlugin();
            fixture.DeleteFolder();
        }
    }

    /// <summary>
    /// Runs one of the kit's checks and returns its failure message, or null if it passed. A failing Assert.That both
    /// throws and records the failure in the current test's result, so the check runs in an isolated NUnit context (as
    /// NUnit's own Assert.Throws does): the expected failure is caught here and does not fail this test.
    /// </summary>
    private static string? Run(TestDelegate check)
    {
        using (new TestExecutionContext.IsolatedContext())
        {
            try
            {
                check();
                return null;
            }
            catch (AssertionException ex)
            {
                return ex.Message;
            }
        }
    }
}
