using System.Collections.Concurrent;
using Chorus.Hosting;
using Chorus.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Server.Tests;

/// <summary>
/// A hand-checkable code plugin for the batching tests: input 2 values per sample, scores [a + b, a] per row; a row whose
/// first value is negative makes the whole Predict call throw. It records the first value of every row of every call.
/// </summary>
internal sealed class RowSumModel : IModel, IModelPlugin
{
    public const string ModelId = "row-sum";

    private readonly ConcurrentQueue<float[]> _calls = new();

    public string Id => ModelId;

    public ModelTask Task => ModelTask.Regression;

    public IReadOnlyList<string> Labels { get; } = ["sum", "first"];

    public int SampleSize => 2;

    /// <summary>The first value of each row, per Predict call, in call order.</summary>
    public IReadOnlyList<float[]> Calls => [.. _calls];

    /// <summary>A container whose host serves this model as plugin <see cref="ModelId"/>; dispose it to dispose the host.</summary>
    public ServiceProvider Provider()
    {
        var services = new ServiceCollection();
        services.AddChorus().AddPlugin(new PluginManifest
        {
            Id = ModelId,
            Version = "1.0.0",
            Task = ModelTask.Regression,
            Runtime = PluginRuntime.Assembly,
            Labels = Labels,
        }, this);
        return services.BuildServiceProvider();
    }

    public IModel CreateModel(PluginContext context) => this;

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        var rows = samples.Span;
        var firsts = new float[batchSize];
        for (var row = 0; row < batchSize; row++)
        {
            firsts[row] = rows[row * 2];
        }

        _calls.Enqueue(firsts);
        if (firsts.Any(f => f < 0))
        {
            throw new InvalidOperationException("row-sum: a negative first value (the test's poison row).");
        }

        for (var row = 0; row < batchSize; row++)
        {
            scores.Span[row * 2] = rows[row * 2] + rows[(row * 2) + 1];
            scores.Span[(row * 2) + 1] = rows[row * 2];
        }
    }

    // The tests own it; the host disposing it changes nothing.
    public void Dispose()
    {
    }
}
