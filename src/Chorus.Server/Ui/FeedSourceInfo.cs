namespace Chorus.Server.Ui;

/// <summary>A replay source as the page lists it.</summary>
/// <param name="Name">The source name.</param>
/// <param name="Ensemble">The ensemble id.</param>
/// <param name="Samples">Rows (classification) or files (speech).</param>
/// <param name="Strategy">The fusion strategy (speech: the frame fusion mode).</param>
/// <param name="Labels">The ensemble's labels (speech: non-speech, speech).</param>
/// <param name="Members">The member plugin ids.</param>
/// <param name="Kind">"classification" or "speech".</param>
internal sealed record FeedSourceInfo(string Name, string Ensemble, int Samples, string Strategy, IReadOnlyList<string> Labels, IReadOnlyList<string> Members, string Kind = "classification");
