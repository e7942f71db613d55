namespace Chorus.Benchmarks;

/// <summary>One round of timed iterations: the mean and the median (nearest-rank p50) time per iteration, in microseconds.</summary>
internal readonly record struct RoundResult(double MeanUs, double P50Us);
