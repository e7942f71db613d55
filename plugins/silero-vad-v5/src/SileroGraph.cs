using Chorus.Plugins;

namespace Chorus.Plugins.SileroVad;

/// <summary>
/// Where a Silero VAD graph takes its audio, sample rate and recurrent state, and where it gives its speech probability
/// and next state, read from the session's metadata rather than assumed: v4 takes <c>input, sr, h, c</c> and gives
/// <c>output, hn, cn</c>; v5 takes <c>input, state, sr</c> and gives <c>output, stateN</c>.
/// </summary>
/// <remarks>
/// Rules: the audio is the one float input of rank 2 ([batch, samples]); the sample rate is an int64 input of rank 0 or 1
/// (optional); every float input of rank 3 ([layers, batch, units]) is a state input; the probability is the float output
/// of rank 2 whose last dimension is 1; the other outputs are the next states, paired with the state inputs in order.
/// </remarks>
internal sealed class SileroGraph
{
    private SileroGraph(string audio, string? sampleRate, bool sampleRateIsScalar, string probability, StateSlot[] states)
    {
        Audio = audio;
        SampleRate = sampleRate;
        SampleRateIsScalar = sampleRateIsScalar;
        Probability = probability;
        States = states;
    }

    public string Audio { get; }

    public string? SampleRate { get; }

    public bool SampleRateIsScalar { get; }

    public string Probability { get; }

    public IReadOnlyList<StateSlot> States { get; }

    public static SileroGraph Read(IModelSession session, string pluginId)
    {
        var problems = new List<string>();
        var audio = session.Inputs.Where(i => i.ElementType == TensorElementType.Float && i.Shape.Count == 2).ToList();
        if (audio.Count != 1)
        {
            problems.Add($"expected exactly one float input of rank 2 ([batch, samples]) for the audio, found {audio.Count}");
        }

        var rates = session.Inputs.Where(i => i.ElementType == TensorElementType.Int64 && i.Shape.Count <= 1).ToList();
        if (rates.Count > 1)
        {
            problems.Add($"expected at most one int64 sample-rate input, found {rates.Count}");
        }

        var stateInputs = session.Inputs.Where(i => i.ElementType == TensorElementType.Float && i.Shape.Count == 3).ToList();
        var other = session.Inputs.Except(audio).Except(rates).Except(stateInputs).ToList();
        if (other.Count > 0)
        {
            problems.Add($"inputs of no known role: {string.Join(", ", other)}");
        }

        var probability = session.Outputs.Where(o => o.ElementType == TensorElementType.Float && o.Shape.Count == 2 && o.Shape[1] == 1).ToList();
        if (probability.Count != 1)
        {
            problems.Add($"expected exactly one float output of shape [batch, 1] for the speech probability, found {probability.Count}");
        }

        var stateOutputs = session.Outputs.Except(probability).ToList();
        if (stateOutputs.Count != stateInputs.Count)
        {
            problems.Add($"{stateInputs.Count} state input(s) but {stateOutputs.Count} state output(s); each state input needs its next-state output");
        }

        var slots = new List<StateSlot>();
        for (var i = 0; i < Math.Min(stateInputs.Count, stateOutputs.Count); i++)
        {
            var input = stateInputs[i];
            var output = stateOutputs[i];
            if (output.ElementType != TensorElementType.Float)
            {
                problems.Add($"state output {output} is not float");
                continue;
            }

            // [layers, batch, units]: layers and units are fixed in every Silero export; the batch is ours (1 per stream).
            if (input.Shape[0] <= 0 || input.Shape[2] <= 0)
            {
                problems.Add($"state input {input} needs fixed first and last dimensions");
                continue;
            }

            if (output.Shape.Count == 3 && output.Shape[0] > 0 && output.Shape[2] > 0 && (output.Shape[0] != input.Shape[0] || output.Shape[2] != input.Shape[2]))
            {
                problems.Add($"state output {output} does not match state input {input}");
                continue;
            }

            slots.Add(new StateSlot(input.Name, output.Name, [input.Shape[0], 1, input.Shape[2]]));
        }

        if (problems.Count > 0)
        {
            throw new ChorusException(
                $"plugin '{pluginId}': the model is not a Silero-style VAD graph: {string.Join("; ", problems)}. Its inputs: {string.Join(", ", session.Inputs)}; outputs: {string.Join(", ", session.Outputs)}.",
                pluginId);
        }

        var rate = rates.Count == 1 ? rates[0] : null;
        return new SileroGraph(audio[0].Name, rate?.Name, rate is null || rate.Shape.Count == 0, probability[0].Name, [.. slots]);
    }

    public override string ToString() =>
        $"audio '{Audio}', sample rate '{SampleRate ?? "(none)"}', probability '{Probability}', state {string.Join(", ", States.Select(s => $"'{s.Input}' -> '{s.Output}' [{string.Join(", ", s.Shape)}]"))}";

    /// <summary>A recurrent state tensor: the input that takes it, the output that gives its next value, its shape for one stream.</summary>
    internal sealed record StateSlot(string Input, string Output, long[] Shape)
    {
        public int Length => (int)(Shape[0] * Shape[1] * Shape[2]);
    }
}
