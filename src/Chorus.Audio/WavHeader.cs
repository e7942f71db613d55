namespace Chorus.Audio;

/// <summary>A validated WAV header; <see cref="DataLength"/> is null when the data runs to the end of the stream.</summary>
internal sealed record WavHeader(WavSourceFormat Format, int BlockAlign, long? DataLength);
