using Chorus.Plugins;

namespace Chorus.Hosting.Tests;

/// <summary>
/// A model made in the test, with scripted behaviour: constant scores, a slow answer that ignores its token, an exception,
/// or an answer held back until the test opens a gate.
/// </summary>
internal sealed class TestModel : IModel
{
    private readonly Action<CancellationToken> _beforeAnswer;
    private readonly float[] _scores;
    private int _calls;
    private int _running;

    private TestModel(string id, IReadOnlyList<string> labels, int sampleSize, float[] scores, Action<CancellationToken> beforeAnswer)
    {
        Id = id;
        Labels = labels;
        SampleSize = sampleSize;
        _scores = scores;
        _beforeAnswer = beforeAnswer;
    }

    public string Id { get; }

    public ModelTask Task => ModelTask.Classification;

    public IReadOnlyList<string> Labels { get; }

    public int SampleSize { get; }

    public int Calls => _calls;

    /// <summary>Calls still inside <see cref="Predict"/> (an abandoned slow call keeps running after the ensemble gave up on it).</summary>
    public int Running => Volatile.Read(ref _running);

    public bool IsDisposed { get; private set; }

    /// <summary>Answers <paramref name="scores"/> for every sample, at once.</summary>
    public static TestModel Constant(string id, IReadOnlyList<string> labels, float[] scores, int sampleSize = 2) =>
        new(id, labels, sampleSize, scores, _ => { });

    /// <summary>Answers after <paramref name="delay"/>, ignoring its cancellation token, as a badly written model would.</summary>
    public static TestModel Slow(string id, IReadOnlyList<string> labels, float[] scores, TimeSpan delay, int sampleSize = 2) =>
        new(id, labels, sampleSize, scores, _ => Thread.Sleep(delay));

    /// <summary>Throws <see cref="InvalidOperationException"/> with <paramref name="message"/> on every call.</summary>
    public static TestModel Throwing(string id, IReadOnlyList<string> labels, string message, int sampleSize = 2) =>
        new(id, labels, sampleSize, new float[labels.Count], _ => throw new InvalidOperationException(message));

    /// <summary>Answers once the test releases <paramref name="gate"/> (waiting at most 30 s, then failing).</summary>
    public static TestModel Gated(string id, IReadOnlyList<string> labels, float[] scores, SemaphoreSlim gate, int sampleSize = 2) =>
        new(id, labels, sampleSize, scores, token =>
        {
            if (!gate.Wait(TimeSpan.FromSeconds(30), token))
            {
                throw new TimeoutException("the test never opened the gate");
            }
        });

    public void Predict(ReadOnlyMemory<float> samples, int batchSize, Memory<float> scores, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _running);
        try
        {
            if (samples.Length != batchSize * SampleSize)
            {
                throw new ArgumentException($"model '{Id}': {batchSize} sample(s) need {batchSize * SampleSize} values, got {samples.Length}.", nameof(samples));
            }

            _beforeAnswer(cancellationToken);
            for (var row = 0; row < batchSize; row++)
            {
                _scores.CopyTo(scores.Span.Slice(row * _scores.Length, _scores.Length));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Waits (at most <paramref name="limit"/>) until no call is inside <see cref="Predict"/>; true if none is.</summary>
    public bool WaitUntilIdle(TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Running > 0 && clock.Elapsed < limit)
        {
            Thread.Sleep(10);
        }

        return Running == 0;
    }

    public void Dispose() => IsDisposed = true;
}
