namespace Chorus.Server;

/// <summary>What a served model answers: the outputs to send, and response parameters (string, number or bool values).</summary>
internal sealed record InferenceResult(IReadOnlyList<OutputTensor> Outputs, IReadOnlyDictionary<string, object> Parameters);
