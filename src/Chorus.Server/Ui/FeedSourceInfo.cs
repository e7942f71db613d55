namespace Chorus.Server.Ui;

/// <summary>A replay source as the page lists it.</summary>
internal sealed record FeedSourceInfo(string Name, string Ensemble, int Samples, string Strategy, IReadOnlyList<string> Labels, IReadOnlyList<string> Members);
