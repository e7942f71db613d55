using Chorus.Plugins;

namespace Chorus.Benchmarks;

/// <summary>
/// The digits-knn plugin's logic, line for line in C# (plugins/digits-knn/src/digits_knn.c: float squared distances,
/// insertion into the k nearest with ties to the lower training index, (votes + smoothing) / (k + 10 smoothing)), as a
/// managed <see cref="IModel"/>: the reference for the native plugin's call overhead.
/// </summary>
internal sealed class ManagedKnnModel : IModel
{
    private const int Pixels = 64;
    private const int Classes = 10;
    private readonly float[] _pixels;
    private readonly byte[] _labels;
    private readonly int _count;
    private readonly int _k;
    private readonly double _smoothing;

    public ManagedKnnModel(string trainBin, int k, double smoothing)
    {
        // train.bin: "CKNN", uint32 version, uint32 count, then count × (64 pixel bytes + 1 label byte).
        var bytes = File.ReadAllBytes(trainBin);
        _count = BitConverter.ToInt32(bytes, 8);
        _pixels = new float[_count * Pixels];
        _labels = new byte[_count];
        for (var i = 0; i < _count; i++)
        {
            var row = 12 + (i * (Pixels + 1));
            for (var j = 0; j < Pixels; j++)
            {
                _pixels[(i * Pixels) + j] = bytes[row + j];
            }

            _labels[i] = bytes[row + Pixels];
        }

        _k = k;
        _smoothing = smoothing;
    }

    public string Id => "digits-knn-managed";

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; } = Enumerable.Range(0, Classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public int SampleSize => Pixels;

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        Span<float> distances = stackalloc float[_k];
        Span<int> indices = stackalloc int[_k];
        for (var s = 0; s < batchSize; s++)
        {
            Classify(samples.Span.Slice(s * Pixels, Pixels), distances, indices, scores.Span.Slice(s * Classes, Classes));
        }
    }

    public void Dispose()
    {
    }

    private void Classify(ReadOnlySpan<float> sample, Span<float> nearestDistance, Span<int> nearestIndex, Span<float> scores)
    {
        var found = 0;
        for (var i = 0; i < _count; i++)
        {
            var train = _pixels.AsSpan(i * Pixels, Pixels);
            var distance = 0f;
            for (var j = 0; j < Pixels; j++)
            {
                var d = sample[j] - train[j];
                distance += d * d;
            }

            if (found == _k && !(distance < nearestDistance[_k - 1]))
            {
                continue;
            }

            var at = found < _k ? found++ : _k - 1;
            while (at > 0 && nearestDistance[at - 1] > distance)
            {
                nearestDistance[at] = nearestDistance[at - 1];
                nearestIndex[at] = nearestIndex[at - 1];
                at--;
            }

            nearestDistance[at] = distance;
            nearestIndex[at] = i;
        }

        Span<int> votes = stackalloc int[Classes];
        for (var n = 0; n < _k; n++)
        {
            votes[_labels[nearestIndex[n]]]++;
        }

        var denominator = _k + (Classes * _smoothing);
        for (var c = 0; c < Classes; c++)
        {
            scores[c] = (float)((votes[c] + _smoothing) / denominator);
        }
    }
}
