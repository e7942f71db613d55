using Chorus.Cli.Data;
using Chorus.Hosting.Ensembles;

namespace Chorus.Cli.Evaluation;

/// <summary>
/// Every member's scores on a labelled data set, aligned to the ensemble's labels: per sample, members × labels
/// (member-major, the layout the fusion strategies and the stacking features use). NaN rows mark a member that failed.
/// </summary>
internal sealed class EvaluationData
{
    private EvaluationData(string[] memberIds, IReadOnlyList<string> labels, double[] aligned, int[] truth, TimeSpan[] memberTime)
    {
        MemberIds = memberIds;
        Labels = labels;
        Aligned = aligned;
        Truth = truth;
        MemberTime = memberTime;
    }

    public string[] MemberIds { get; }

    public IReadOnlyList<string> Labels { get; }

    public int MemberCount => MemberIds.Length;

    public int ClassCount => Labels.Count;

    public int Count => Truth.Length;

    /// <summary>n × members × classes.</summary>
    public double[] Aligned { get; }

    /// <summary>True class index per sample.</summary>
    public int[] Truth { get; }

    /// <summary>Total run time per member over all batches.</summary>
    public TimeSpan[] MemberTime { get; }

    public int Stride => MemberCount * ClassCount;

    public ReadOnlySpan<double> Sample(int i) => Aligned.AsSpan(i * Stride, Stride);

    /// <summary>One member's n × classes matrix.</summary>
    public double[] Member(int m)
    {
        var matrix = new double[Count * ClassCount];
        for (var i = 0; i < Count; i++)
        {
            Aligned.AsSpan((i * Stride) + (m * ClassCount), ClassCount).CopyTo(matrix.AsSpan(i * ClassCount, ClassCount));
        }

        return matrix;
    }

    /// <summary>The rows of some samples (features for stacking), and their labels.</summary>
    public (double[] Features, int[] Labels) Subset(IReadOnlyList<int> indices)
    {
        var features = new double[indices.Count * Stride];
        var labels = new int[indices.Count];
        for (var j = 0; j < indices.Count; j++)
        {
            Sample(indices[j]).CopyTo(features.AsSpan(j * Stride, Stride));
            labels[j] = Truth[indices[j]];
        }

        return (features, labels);
    }

    /// <summary>Runs every member over the data in batches.</summary>
    public static async Task<EvaluationData> CollectAsync(Ensemble ensemble, LabeledSamples data, string source, int batchSize, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        if (data.SampleSize != ensemble.SampleSize)
        {
            throw new FormatException($"{source}: rows have {data.SampleSize} values, but ensemble '{ensemble.Id}' takes {ensemble.SampleSize}.");
        }

        var truth = data.LabelIndices(ensemble.Labels, source);
        var members = ensemble.Members.Count;
        var stride = members * ensemble.Labels.Count;
        var aligned = new double[data.Count * stride];
        var time = new TimeSpan[members];
        for (var start = 0; start < data.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, data.Count - start);
            var runs = await ensemble.RunMembersAsync(data.Rows(start, count), count, cancellationToken).ConfigureAwait(false);
            for (var m = 0; m < members; m++)
            {
                time[m] += runs[m].Latency;
            }

            for (var i = 0; i < count; i++)
            {
                ensemble.AlignSample(runs, i, aligned.AsSpan((start + i) * stride, stride));
            }

            progress?.Report(start + count);
        }

        return new EvaluationData(ensemble.Members.Select(m => m.PluginId).ToArray(), ensemble.Labels, aligned, truth, time);
    }

    public static int[] Decisions(double[] probabilities, int classCount)
    {
        var decisions = new int[probabilities.Length / classCount];
        for (var i = 0; i < decisions.Length; i++)
        {
            var row = probabilities.AsSpan(i * classCount, classCount);
            var best = -1;
            for (var k = 0; k < row.Length; k++)
            {
                if (double.IsFinite(row[k]) && (best < 0 || row[k] > row[best]))
                {
                    best = k;
                }
            }

            decisions[i] = best;
        }

        return decisions;
    }
}
