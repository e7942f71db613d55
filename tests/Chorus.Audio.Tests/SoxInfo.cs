namespace Chorus.Audio.Tests;

/// <summary>One row of data/soxi.tsv: what sox reports about a committed test file.</summary>
internal sealed record SoxInfo(string File, int Rate, int Channels, long Samples, double Seconds, int Bits, string Encoding, int FormatTag);
