namespace Chorus.Hosting.Scheduling;

/// <summary>One <see cref="Chorus.Plugins.IModel.Predict"/> call a <see cref="DynamicBatcher"/> made, reported to its observer.</summary>
/// <param name="Requests">The requests concatenated into the batch.</param>
/// <param name="Rows">The rows (samples) in the batch: the batch size the model saw.</param>
/// <param name="Duration">How long the Predict call took.</param>
/// <param name="Error">What the call threw (every request of the batch failed with it); null when it succeeded.</param>
public readonly record struct BatchExecution(int Requests, int Rows, TimeSpan Duration, Exception? Error);
