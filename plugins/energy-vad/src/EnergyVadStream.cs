using Chorus.Streaming;

namespace Chorus.Plugins.EnergyVad;

/// <summary>
/// One stream through the energy detector. Per frame: pre-emphasis (a first-order high-pass that carries across frames,
/// so low-frequency noise counts less), log energy in dB, a noise floor that is the minimum frame energy over the last
/// <see cref="EnergyVadSettings.FloorWindowSeconds"/> (kept as <see cref="EnergyVadSettings.FloorBlocks"/> block minima, so
/// it falls at once when the audio gets quieter and rises only when a whole window is louder), and a logistic of the
/// frame's energy over the floor. Constant memory whatever the stream's length.
/// </summary>
internal sealed class EnergyVadStream : FixedFrameStream
{
    private readonly EnergyVadSettings _settings;
    private readonly double[] _blockMinima = new double[EnergyVadSettings.FloorBlocks];
    private readonly int _framesPerBlock;
    private int _block;
    private int _framesInBlock;
    private float _previousSample;

    public EnergyVadStream(EnergyVadModel model)
        : base(model.Id, model.SampleRate, model.FrameSamples)
    {
        _settings = model.Settings;
        var framesPerWindow = _settings.FloorWindowSeconds * 1000.0 / _settings.FrameMs;
        _framesPerBlock = Math.Max(1, (int)Math.Round(framesPerWindow / EnergyVadSettings.FloorBlocks));
        Array.Fill(_blockMinima, double.PositiveInfinity);
    }

    public static double FrameEnergyDb(ReadOnlySpan<float> frame, float previousSample, float preEmphasis)
    {
        double sum = 0;
        var previous = previousSample;
        foreach (var x in frame)
        {
            var y = x - (preEmphasis * previous);
            sum += y * y;
            previous = x;
        }

        return 10.0 * Math.Log10((sum / frame.Length) + 1e-14);
    }

    public static float Probability(double snrDb, EnergyVadSettings settings) =>
        (float)(1.0 / (1.0 + Math.Exp(-(snrDb - settings.ThresholdDb) / settings.SlopeDb)));

    protected override float ScoreFrame(ReadOnlySpan<float> frame)
    {
        var energy = FrameEnergyDb(frame, _previousSample, (float)_settings.PreEmphasis);
        _previousSample = frame[^1];

        // The current frame is part of the window it is judged against: a first frame is its own floor (SNR 0).
        _blockMinima[_block] = Math.Min(_blockMinima[_block], energy);
        var floor = double.PositiveInfinity;
        for (var i = 0; i < _blockMinima.Length; i++)
        {
            floor = Math.Min(floor, _blockMinima[i]);
        }

        floor = Math.Max(floor, _settings.MinFloorDb);
        if (++_framesInBlock == _framesPerBlock)
        {
            _framesInBlock = 0;
            _block = (_block + 1) % _blockMinima.Length;
            _blockMinima[_block] = double.PositiveInfinity;
        }

        return Probability(energy - floor, _settings);
    }
}
