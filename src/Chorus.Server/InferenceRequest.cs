namespace Chorus.Server;

/// <summary>A validated inference request: the samples as floats, and what the caller asked for.</summary>
/// <param name="Id">The request id, echoed in the response.</param>
/// <param name="Samples"><paramref name="BatchSize"/> × the model's sample size values, row-major.</param>
/// <param name="BatchSize">Samples in the request (the first dimension of the input shape).</param>
/// <param name="RequestedOutputs">Outputs named in the request's <c>outputs</c>; null returns the default outputs.</param>
/// <param name="MemberScores">The request parameter <c>member_scores</c>: return each ensemble member's scores too.</param>
/// <param name="BinaryOutputs">
/// Outputs to send as binary tensor data (after the JSON header), from each output's <c>parameters.binary_data</c>.
/// </param>
/// <param name="AllOutputsBinary">The request parameter <c>binary_data_output</c>: every output is sent as binary data.</param>
internal sealed record InferenceRequest(
    string? Id,
    float[] Samples,
    int BatchSize,
    IReadOnlyList<string>? RequestedOutputs,
    bool MemberScores,
    IReadOnlySet<string> BinaryOutputs,
    bool AllOutputsBinary)
{
    public bool IsBinary(string output) => AllOutputsBinary || BinaryOutputs.Contains(output);

    /// <summary>How long the request waited in its model's dynamic batcher; null when it was not batched (or failed there).</summary>
    public TimeSpan? QueueDuration { get; set; }
}
