using Chorus.Plugins;
using Chorus.Streaming;

namespace Chorus.Plugins.SileroVad;

/// <summary>
/// One stream through a Silero graph: its own recurrent state (two buffers per state tensor, swapped after each frame so
/// the next state is written beside the current one) and its own audio context. Nothing is allocated per frame here.
/// </summary>
internal sealed class SileroFrameStream : FixedFrameStream
{
    private readonly SileroVadModel _model;
    private readonly float[] _audio;
    private readonly float[] _probability = new float[1];
    private readonly SessionInput[][] _inputs = new SessionInput[2][];
    private readonly SessionOutput[][] _outputs = new SessionOutput[2][];
    private readonly int _context;
    private int _parity;

    public SileroFrameStream(SileroVadModel model)
        : base(model.Id, model.SampleRate, model.FrameSamples)
    {
        _model = model;
        _context = model.ContextSamples;
        _audio = new float[_context + model.FrameSamples];
        var graph = model.Graph;
        var states = graph.States.Select(s => new[] { new float[s.Length], new float[s.Length] }).ToArray();
        for (var parity = 0; parity < 2; parity++)
        {
            var inputs = new List<SessionInput> { new(graph.Audio, _audio, [1, _audio.Length]) };
            if (graph.SampleRate is not null)
            {
                inputs.Add(SessionInput.FromInt64(graph.SampleRate, new long[] { model.SampleRate }, graph.SampleRateIsScalar ? [] : [1]));
            }

            var outputs = new List<SessionOutput> { new(graph.Probability, _probability) };
            for (var s = 0; s < states.Length; s++)
            {
                inputs.Add(new SessionInput(graph.States[s].Input, states[s][parity], graph.States[s].Shape));
                outputs.Add(new SessionOutput(graph.States[s].Output, states[s][1 - parity]));
            }

            _inputs[parity] = [.. inputs];
            _outputs[parity] = [.. outputs];
        }
    }

    protected override float ScoreFrame(ReadOnlySpan<float> frame)
    {
        frame.CopyTo(_audio.AsSpan(_context));
        _model.Session.Run(_inputs[_parity], _outputs[_parity]);
        _parity = 1 - _parity;
        if (_context > 0)
        {
            // The next frame starts after the last samples of this one, as silero-vad 5's OnnxWrapper keeps them.
            _audio.AsSpan(_audio.Length - _context).CopyTo(_audio);
        }

        return _probability[0];
    }
}
