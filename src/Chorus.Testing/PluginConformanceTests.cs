using Chorus.Hosting;
using Chorus.Hosting.Plugins;
using Chorus.Plugins;
using NUnit.Framework;

namespace Chorus.Testing;

/// <summary>
/// The plugin conformance kit. Inherit it in your test project, say where your plugin folder is and give one valid sample;
/// the inherited tests load the plugin exactly as a Chorus host does and check the contracts every host relies on.
/// </summary>
/// <example>
/// <code>
/// [TestFixture]
/// public sealed class MyPluginConformance : PluginConformanceTests
/// {
///     protected override string PluginDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "my-plugin");
///     protected override float[] ValidSample => new float[64];
/// }
/// </code>
/// </example>
[Category("Conformance")]
public abstract class PluginConformanceTests
{
    private ChorusHost? _host;

    /// <summary>The plugin folder (the one holding plugin.json).</summary>
    protected abstract string PluginDirectory { get; }

    /// <summary>One valid sample: <see cref="IModel.SampleSize"/> raw values.</summary>
    protected abstract float[] ValidSample { get; }

    /// <summary>How far classification scores may stray from summing to 1.</summary>
    protected virtual double ProbabilityTolerance => 1e-4;

    /// <summary>The loaded model (loaded once per fixture, as a host does).</summary>
    protected IModel Model => Record.Model ?? throw new AssertionException($"The plugin did not load: {Record.Error}");

    private PluginRecord Record => Host.Catalog.Plugins.Single(p => Path.GetFullPath(p.Source) == Path.GetFullPath(PluginDirectory));

    private ChorusHost Host => _host ?? throw new InvalidOperationException("The fixture has not been set up.");

    /// <summary>Loads the plugin through a host whose plugin folder holds it.</summary>
    [OneTimeSetUp]
    public void LoadPlugin()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(Path.GetDirectoryName(Path.GetFullPath(PluginDirectory))!);
        _host = ChorusHost.Create(options);
    }

    /// <summary>Disposes the host and the model.</summary>
    [OneTimeTearDown]
    public void UnloadPlugin() => _host?.Dispose();

    /// <summary>The manifest parses, names a licence and a provenance, and the provenance file exists when it names one.</summary>
    [Test]
    public void Manifest_is_valid_and_says_where_the_model_came_from()
    {
        var manifest = PluginManifest.Load(PluginDirectory);
        Assert.That(manifest.License, Is.Not.Null.And.Not.Empty, "plugin.json should state the licence of the model and its data ('license').");
        Assert.That(manifest.Provenance, Is.Not.Null.And.Not.Empty, "plugin.json should say where the model came from ('provenance').");
        if (manifest.Provenance!.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            Assert.That(File.Exists(Path.Combine(PluginDirectory, manifest.Provenance)), Is.True, $"provenance file '{manifest.Provenance}' is missing");
        }
    }

    /// <summary>The host loads the plugin, and the model agrees with its manifest.</summary>
    [Test]
    public void Plugin_loads_and_matches_its_manifest()
    {
        Assert.That(Record.Status, Is.EqualTo(PluginStatus.Loaded), Record.Error);
        Assert.That(Model.Id, Is.EqualTo(Record.Manifest!.Id));
        Assert.That(Model.Task, Is.EqualTo(Record.Manifest.Task));
        Assert.That(Model.Labels, Is.EqualTo(Record.Manifest.Labels));
        Assert.That(Model.SampleSize, Is.EqualTo(ValidSample.Length), "ValidSample must hold SampleSize values");
    }

    /// <summary>One score row per sample; classification rows are probabilities.</summary>
    [TestCase(1)]
    [TestCase(3)]
    public void Predict_gives_one_row_of_scores_per_sample(int batchSize)
    {
        var samples = Enumerable.Repeat(ValidSample, batchSize).SelectMany(s => s).ToArray();
        var width = Model.Labels.Count;
        var scores = new float[batchSize * width];

        Model.Predict(samples, batchSize, scores);

        Assert.That(scores, Has.All.Matches<float>(float.IsFinite), "scores must be finite");
        if (Model.Task == ModelTask.Classification)
        {
            for (var row = 0; row < batchSize; row++)
            {
                var slice = scores.AsSpan(row * width, width).ToArray();
                Assert.That(slice, Has.All.InRange(0f, 1f), $"row {row}: probabilities lie in [0, 1]");
                Assert.That(slice.Sum(), Is.EqualTo(1.0).Within(ProbabilityTolerance), $"row {row}: probabilities sum to 1");
            }
        }

        for (var row = 1; row < batchSize; row++)
        {
            Assert.That(scores.AsSpan(row * width, width).ToArray(), Is.EqualTo(scores.AsSpan(0, width).ToArray()).Within(1e-6),
                "the same sample gives the same scores wherever it sits in a batch");
        }
    }

    /// <summary>Concurrent calls are safe and agree with a single call.</summary>
    [Test]
    public void Concurrent_predictions_agree_with_a_single_one()
    {
        var width = Model.Labels.Count;
        var expected = new float[width];
        Model.Predict(ValidSample, 1, expected);
        var mismatches = 0;

        Parallel.For(0, 64, _ =>
        {
            var scores = new float[width];
            Model.Predict(ValidSample, 1, scores);
            if (!scores.AsSpan().SequenceEqual(expected))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.That(mismatches, Is.Zero);
    }

    /// <summary>A sample of the wrong length is refused with a clear exception, and the model keeps working.</summary>
    [Test]
    public void Wrong_sample_length_is_refused_and_the_model_keeps_working()
    {
        var wrong = new float[ValidSample.Length + 1];
        var scores = new float[Model.Labels.Count];

        Assert.That(() => Model.Predict(wrong, 1, scores),
            Throws.InstanceOf<ChorusException>().Or.InstanceOf<ArgumentException>());
        Assert.That(() => Model.Predict(ValidSample, 1, scores), Throws.Nothing);
    }
}
