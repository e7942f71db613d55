namespace Chorus.Server.Ui;

/// <summary>Whether a replay runs, which and how fast, and why it last changed.</summary>
/// <param name="Running">Whether a replay is running.</param>
/// <param name="Source">The source running (or that ran last); null before the first start.</param>
/// <param name="Rate">Samples per second.</param>
/// <param name="Reason">What changed it: "started", "rate changed", "stopped", "no viewers for 60 s", "server stopping".</param>
internal sealed record FeedStatus(bool Running, string? Source, double Rate, string Reason);
