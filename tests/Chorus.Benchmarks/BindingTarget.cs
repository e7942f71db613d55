namespace Chorus.Benchmarks;

/// <summary>The target a binding case is held to.</summary>
internal enum BindingTarget
{
    /// <summary>Chorus time / C time ≤ 1.05 (batch 64: the binding's cost must vanish next to real work).</summary>
    Ratio,

    /// <summary>Chorus time − C time ≤ 2 µs (batch 1: the binding's fixed per-call cost).</summary>
    Overhead,
}
