using System.Numerics;

namespace Chorus.Audio;

/// <summary>
/// Rational-ratio (L/M) polyphase resampler with a Kaiser-windowed sinc low-pass filter.
/// Output sample m sits at input time m·M/L; the filter's delay is compensated, so output and input line up.
/// State (the input history and the next output index) carries across <see cref="Process"/> calls, and each output
/// is one fixed dot product over the same input samples, so any chunking gives bit-identical output.
/// </summary>
internal sealed class Resampler
{
    // Pass band to 0.45 of the lower Nyquist-doubled rate, stop band from 0.5 of it (the lower Nyquist frequency),
    // 80 dB down: a tone above the output Nyquist frequency is removed instead of folding back into the band.
    internal const double PassBandFraction = 0.45;
    internal const double StopBandFraction = 0.5;
    internal const double StopBandAttenuationDb = 80;

    private static readonly float[] s_zeros = new float[64];

    // Phase p's taps, reversed, so output = dot(phase, the TapsPerPhase input samples ending at kmax).
    private readonly float[] _phases;
    private readonly long _delay;
    private float[] _buffer;
    private long _bufferFirst;
    private int _bufferCount;
    private long _inputCount;
    private long _nextOutput;
    private long _outputLimit = long.MaxValue;

    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var divisor = Gcd(inputRate, outputRate);
        Up = outputRate / divisor;
        Down = inputRate / divisor;

        var narrower = Math.Min(inputRate, outputRate);
        var passEdge = PassBandFraction * narrower;
        var stopEdge = StopBandFraction * narrower;
        var prototypeRate = (double)inputRate * Up;
        var cutoff = (passEdge + stopEdge) / 2 / prototypeRate;
        var transition = 2 * Math.PI * (stopEdge - passEdge) / prototypeRate;
        var beta = 0.1102 * (StopBandAttenuationDb - 8.7);
        var length = (int)Math.Ceiling((StopBandAttenuationDb - 8) / (2.285 * transition)) + 1;
        length |= 1;
        _delay = (length - 1) / 2;

        TapsPerPhase = (length + Up - 1) / Up;
        _phases = new float[Up * TapsPerPhase];
        var i0Beta = BesselI0(beta);
        for (var n = 0; n < length; n++)
        {
            var offset = n - _delay;
            var x = 2 * cutoff * offset;
            var sinc = offset == 0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
            var r = (2.0 * n / (length - 1)) - 1;
            var window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / i0Beta;
            var tap = Up * 2 * cutoff * sinc * window;
            var phase = n % Up;
            var j = n / Up;
            _phases[(phase * TapsPerPhase) + (TapsPerPhase - 1 - j)] = (float)tap;
        }

        // The history starts with TapsPerPhase - 1 zeros standing for the samples before the first one.
        _buffer = new float[Math.Max(4096, TapsPerPhase * 2)];
        _bufferFirst = -(TapsPerPhase - 1);
        _bufferCount = TapsPerPhase - 1;
    }

    /// <summary>Interpolation factor L.</summary>
    public int Up { get; }

    /// <summary>Decimation factor M.</summary>
    public int Down { get; }

    /// <summary>Input samples each output sample is computed from.</summary>
    public int TapsPerPhase { get; }

    /// <summary>Output samples a whole input of <paramref name="inputCount"/> samples gives: ceil(n·L/M).</summary>
    public long OutputCountFor(long inputCount) => ((inputCount * Up) + Down - 1) / Down;

    /// <summary>
    /// Appends <paramref name="input"/> and writes as many output samples as the input so far determines, up to the
    /// length of <paramref name="output"/>; call again with an empty input to collect the rest.
    /// </summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (!input.IsEmpty)
        {
            if (_outputLimit != long.MaxValue)
            {
                throw new InvalidOperationException("The resampler has been told the input ended.");
            }

            Append(input);
            _inputCount += input.Length;
        }

        var written = 0;
        while (written < output.Length && _nextOutput < _outputLimit)
        {
            var position = (_nextOutput * Down) + _delay;
            var last = position / Up;
            if (last >= _bufferFirst + _bufferCount)
            {
                if (_outputLimit == long.MaxValue)
                {
                    break;
                }

                // After the end of the input the samples are zeros.
                while (last >= _bufferFirst + _bufferCount)
                {
                    Append(s_zeros);
                }
            }

            var phase = (int)(position % Up);
            var start = (int)(last - (TapsPerPhase - 1) - _bufferFirst);
            output[written++] = Dot(_phases.AsSpan(phase * TapsPerPhase, TapsPerPhase), _buffer.AsSpan(start, TapsPerPhase));
            _nextOutput++;
        }

        return written;
    }

    /// <summary>Marks the end of the input; later <see cref="Process"/> calls flush the filter's tail.</summary>
    public void EndOfInput() => _outputLimit = OutputCountFor(_inputCount);

    private void Append(ReadOnlySpan<float> input)
    {
        // Drop the samples no future output reads.
        var firstNeeded = ((_nextOutput * Down) + _delay) / Up - (TapsPerPhase - 1);
        var drop = (int)Math.Clamp(firstNeeded - _bufferFirst, 0, _bufferCount);
        if (drop > 0)
        {
            _buffer.AsSpan(drop, _bufferCount - drop).CopyTo(_buffer);
            _bufferFirst += drop;
            _bufferCount -= drop;
        }

        if (_bufferCount + input.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _bufferCount + input.Length));
        }

        input.CopyTo(_buffer.AsSpan(_bufferCount));
        _bufferCount += input.Length;
    }

    private static float Dot(ReadOnlySpan<float> taps, ReadOnlySpan<float> samples)
    {
        var width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= taps.Length - width; i += width)
        {
            sum += new Vector<float>(taps[i..]) * new Vector<float>(samples[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < taps.Length; i++)
        {
            total += taps[i] * samples[i];
        }

        return total;
    }

    private static double BesselI0(double x)
    {
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 200; k++)
        {
            term *= half / k * (half / k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
