using System.Diagnostics;
using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>
/// The Chorus side of the binding benchmark: one session and one pre-filled buffer per input, and per iteration exactly
/// the work <c>ort_bench</c> does per iteration, through the public API.
/// </summary>
internal sealed class ChorusRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly float[][] _data;
    private readonly long[][] _shapes;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue?[] _outputs;
    private float _sink;

    private ChorusRunner(InferenceSession session, float[][] data, long[][] shapes)
    {
        _session = session;
        _data = data;
        _shapes = shapes;
        _inputs = new OrtValue[data.Length];
        _outputs = new OrtValue?[session.Outputs.Count];
    }

    /// <summary>The sum of every output 0's first element, so no iteration's read can be optimized away.</summary>
    public float Sink => _sink;

    /// <summary>The session options the C harness uses: graph optimization ALL, the environment's global thread pools.</summary>
    public static SessionOptions HarnessSessionOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.All,
        UsePerSessionThreads = false,
    };

    /// <summary>
    /// Loads the model and fills one buffer per input as <c>ort_bench</c> does: every dynamic dimension becomes
    /// <paramref name="batch"/>, element k is <c>((k * 7919) % 1000) / 1000 - 0.5</c>.
    /// </summary>
    public static ChorusRunner Create(string modelPath, int batch)
    {
        var session = InferenceSession.Create(modelPath, HarnessSessionOptions());
        try
        {
            var data = new float[session.Inputs.Count][];
            var shapes = new long[session.Inputs.Count][];
            for (var i = 0; i < data.Length; i++)
            {
                var info = session.Inputs[i];
                if (info.ValueType != OnnxValueType.Tensor || info.ElementType != TensorElementType.Float)
                {
                    throw new BenchmarkException($"model '{session.ModelName}': input '{info.Name}' is {info.TypeText}; the benchmark (like ort_bench) takes float32 tensor inputs only.");
                }

                shapes[i] = info.Shape.Select(d => d < 0 ? batch : d).ToArray();
                data[i] = Fill(checked((int)shapes[i].Aggregate(1L, (a, b) => a * b)));
            }

            if (session.Outputs[0].ElementType != TensorElementType.Float)
            {
                throw new BenchmarkException($"model '{session.ModelName}': output 0 is {session.Outputs[0].TypeText}; the benchmark reads it as float32.");
            }

            return new ChorusRunner(session, data, shapes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs untimed iterations for at least <paramref name="minimum"/>, so the loop is at its final JIT tier before any round.</summary>
    public void WarmUp(TimeSpan minimum, int minimumIterations)
    {
        var stopwatch = Stopwatch.StartNew();
        var done = 0;
        while (done < minimumIterations || stopwatch.Elapsed < minimum)
        {
            RunRound(warmup: 0, iterations: 100);
            done += 100;
        }
    }

    /// <summary>
    /// <paramref name="warmup"/> untimed iterations, then <paramref name="iterations"/> timed ones (one
    /// <see cref="Stopwatch.GetTimestamp"/> pair around each, as <c>ort_bench</c> reads <c>CLOCK_MONOTONIC</c> around each).
    /// </summary>
    public RoundResult RunRound(int warmup, int iterations)
    {
        var ticks = new long[iterations];
        var total = warmup + iterations;
        var sink = 0f;
        for (var it = 0; it < total; it++)
        {
            var t0 = Stopwatch.GetTimestamp();

            // ort_bench: CreateTensorWithDataAsOrtValue over each input buffer.
            for (var i = 0; i < _inputs.Length; i++)
            {
                _inputs[i] = OrtValue.CreateTensor(_data[i], _shapes[i]);
            }

            // ort_bench: NULL output slots, so ONNX Runtime allocates every output; then Run.
            _session.Run(_inputs, _outputs);

            // ort_bench: GetTensorMutableData on output 0 and read its first element.
            sink += _outputs[0]!.GetTensorData<float>()[0];

            // ort_bench: ReleaseValue on every output, then every input.
            for (var i = 0; i < _outputs.Length; i++)
            {
                _outputs[i]!.Dispose();
                _outputs[i] = null;
            }

            for (var i = 0; i < _inputs.Length; i++)
            {
                _inputs[i].Dispose();
            }

            var t1 = Stopwatch.GetTimestamp();
            if (it >= warmup)
            {
                ticks[it - warmup] = t1 - t0;
            }
        }

        _sink += sink;
        var microseconds = new double[iterations];
        var toMicroseconds = 1e6 / Stopwatch.Frequency;
        for (var i = 0; i < iterations; i++)
        {
            microseconds[i] = ticks[i] * toMicroseconds;
        }

        return new RoundResult(Statistics.Mean(microseconds), Statistics.Percentile(microseconds, 50));
    }

    public void Dispose() => _session.Dispose();

    private static float[] Fill(int count)
    {
        var data = new float[count];
        for (var k = 0; k < count; k++)
        {
            // Same expression, in the same float arithmetic, as ort_bench.c.
            data[k] = (float)((ulong)k * 7919UL % 1000UL) / 1000.0f - 0.5f;
        }

        return data;
    }
}
