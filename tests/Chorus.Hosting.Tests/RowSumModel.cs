using System.Collections.Concurrent;
using Chorus.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>
/// A hand-checkable model for the batcher: 2 values per sample, scores [a + b, a] per row; a row whose first value is
/// negative makes the whole call throw. It records the rows of every call.
/// </summary>
internal sealed class RowSumModel : IModel
{
    public const int Width = 2;

    private readonly ConcurrentQueue<float[]> _calls = new();

    public string Id => "row-sum";

    public ModelTask Task => ModelTask.Regression;

    public IReadOnlyList<string> Labels { get; } = ["sum", "first"];

    public int SampleSize => Width;

    /// <summary>The first value of each row, per Predict call, in call order.</summary>
    public IReadOnlyList<float[]> Calls => [.. _calls];

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        var rows = samples.Span;
        var firsts = new float[batchSize];
        for (var row = 0; row < batchSize; row++)
        {
            firsts[row] = rows[row * Width];
        }

        _calls.Enqueue(firsts);
        if (firsts.Any(f => f < 0))
        {
            throw new InvalidOperationException("row-sum: a negative first value (the test's poison row).");
        }

        for (var row = 0; row < batchSize; row++)
        {
            scores.Span[row * 2] = rows[row * Width] + rows[(row * Width) + 1];
            scores.Span[(row * 2) + 1] = rows[row * Width];
        }
    }

    public void Dispose()
    {
    }
}
