using Chorus.Plugins;

namespace Chorus.Hosting.Tests.Plugins;

/// <summary>A model that gives the same score row for every sample; it checks its arguments as the contract asks.</summary>
internal sealed class FixedScoresModel : IModel
{
    private readonly float[] _scores;

    public FixedScoresModel(PluginManifest manifest, float[] scores)
    {
        Id = manifest.Id;
        Labels = manifest.Labels;
        SampleSize = manifest.Inputs.Count > 0 ? manifest.Inputs[0].SampleSize : 1;
        _scores = scores;
    }

    public string Id { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize { get; }

    /// <summary>The echo plugin's scores for <paramref name="count"/> labels: label i gets (i + 1) / (1 + 2 + … + count).</summary>
    public static float[] Scores(int count)
    {
        var total = count * (count + 1) / 2f;
        return Enumerable.Range(1, count).Select(i => i / total).ToArray();
    }

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (samples.Length != batchSize * SampleSize)
        {
            throw new ArgumentException($"plugin '{Id}': {batchSize} sample(s) need {batchSize * SampleSize} values, got {samples.Length}.", nameof(samples));
        }

        if (scores.Length < batchSize * _scores.Length)
        {
            throw new ArgumentException($"plugin '{Id}': the score buffer holds {scores.Length} values; {batchSize * _scores.Length} are needed.", nameof(scores));
        }

        for (var row = 0; row < batchSize; row++)
        {
            _scores.CopyTo(scores.Span.Slice(row * _scores.Length, _scores.Length));
        }
    }

    public void Dispose()
    {
    }
}
