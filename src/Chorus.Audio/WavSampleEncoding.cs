namespace Chorus.Audio;

/// <summary>How the samples in a WAV data chunk are stored.</summary>
public enum WavSampleEncoding
{
    /// <summary>Signed little-endian integers (format tag 1), 16 or 24 bits.</summary>
    PcmInteger = 1,

    /// <summary>IEEE 754 little-endian floats (format tag 3), 32 bits.</summary>
    IeeeFloat = 3,
}
