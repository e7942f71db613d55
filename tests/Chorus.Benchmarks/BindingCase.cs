namespace Chorus.Benchmarks;

/// <summary>One model at one batch size, run through both the C harness and Chorus.</summary>
internal sealed record BindingCase(string Label, string ModelPath, int Batch, BindingTarget Target)
{
    public const double MaxRatio = 1.05;
    public const double MaxOverheadUs = 2.0;
}
