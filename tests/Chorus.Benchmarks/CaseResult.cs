namespace Chorus.Benchmarks;

/// <summary>
/// The rounds of one case. Each side's figure is the median over rounds of that round's mean (or p50), so one noisy round
/// (another process taking the core) does not move it.
/// </summary>
internal sealed record CaseResult(BindingCase Case, IReadOnlyList<RoundResult> C, IReadOnlyList<RoundResult> Chorus)
{
    public double CMeanUs => Statistics.Median(C.Select(r => r.MeanUs).ToList());

    public double ChorusMeanUs => Statistics.Median(Chorus.Select(r => r.MeanUs).ToList());

    public double CP50Us => Statistics.Median(C.Select(r => r.P50Us).ToList());

    public double ChorusP50Us => Statistics.Median(Chorus.Select(r => r.P50Us).ToList());

    public double Ratio => ChorusMeanUs / CMeanUs;

    public double OverheadUs => ChorusMeanUs - CMeanUs;

    public double P50OverheadUs => ChorusP50Us - CP50Us;

    /// <summary>Median over rounds of Chorus/C within the round: each pair ran back to back, so a slow spell of the machine hits both.</summary>
    public double PairedRatio => Statistics.Median(C.Zip(Chorus, (c, chorus) => chorus.MeanUs / c.MeanUs).ToList());

    /// <summary>Median over rounds of Chorus − C within the round.</summary>
    public double PairedOverheadUs => Statistics.Median(C.Zip(Chorus, (c, chorus) => chorus.MeanUs - c.MeanUs).ToList());

    public bool Met => Case.Target == BindingTarget.Ratio ? Ratio <= BindingCase.MaxRatio : OverheadUs <= BindingCase.MaxOverheadUs;
}
