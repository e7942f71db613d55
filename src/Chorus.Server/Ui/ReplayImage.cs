namespace Chorus.Server.Ui;

/// <summary>A small grey-scale picture: <paramref name="Width"/> × <paramref name="Height"/> values from 0 to <paramref name="Max"/>, row-major.</summary>
internal sealed record ReplayImage(int Width, int Height, float Max, ReadOnlyMemory<float> Pixels);
