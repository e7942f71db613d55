namespace Chorus.Fusion;

/// <summary>Where <see cref="Lbfgs.Minimize"/> stopped.</summary>
internal readonly record struct LbfgsResult(double Value, double GradientMaxAbs, int Iterations, bool Converged);
