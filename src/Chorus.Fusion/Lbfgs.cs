namespace Chorus.Fusion;

/// <summary>
/// Limited-memory BFGS for smooth convex objectives (Nocedal &amp; Wright, algorithm 7.4 with the two-loop recursion),
/// with a weak-Wolfe bisection line search (Lewis &amp; Overton). Used to fit the stacking meta-model.
/// </summary>
internal static class Lbfgs
{
    /// <summary>Evaluates the objective at <paramref name="x"/> and writes its gradient.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    private const int Memory = 10;
    private const double ArmijoC1 = 1e-4;
    private const double CurvatureC2 = 0.9;
    private const int MaxLineSearchSteps = 60;
    private const double ApproximateWolfeDelta = 0.1;
    private const double ApproximateWolfeTolerance = 1e-10;

    /// <summary>
    /// Minimises from <paramref name="x"/> (updated in place) until the largest gradient component is at most
    /// <paramref name="gradientTolerance"/>, no step can lower the objective any more, or
    /// <paramref name="maxIterations"/> iterations have run.
    /// </summary>
    public static LbfgsResult Minimize(Objective objective, double[] x, double gradientTolerance, int maxIterations)
    {
        var dimension = x.Length;
        var gradient = new double[dimension];
        var direction = new double[dimension];
        var trialX = new double[dimension];
        var trialGradient = new double[dimension];
        var s = new double[Memory][];
        var y = new double[Memory][];
        for (var i = 0; i < Memory; i++)
        {
            s[i] = new double[dimension];
            y[i] = new double[dimension];
        }

        var rho = new double[Memory];
        var alphaBuffer = new double[Memory];
        var stored = 0;
        var newest = -1;

        var value = objective(x, gradient);
        var iteration = 0;
        while (true)
        {
            var gradientNorm = MaxAbs(gradient);
            if (gradientNorm <= gradientTolerance)
            {
                return new LbfgsResult(value, gradientNorm, iteration, Converged: true);
            }

            if (iteration >= maxIterations)
            {
                return new LbfgsResult(value, gradientNorm, iteration, Converged: false);
            }

            // Two-loop recursion: direction = -H·g.
            for (var j = 0; j < dimension; j++)
            {
                direction[j] = -gradient[j];
            }

            for (var i = 0; i < stored; i++)
            {
                var slot = (newest - i + Memory) % Memory;
                var a = rho[slot] * Dot(s[slot], direction);
                alphaBuffer[slot] = a;
                Axpy(-a, y[slot], direction);
            }

            double initialStep;
            if (stored > 0)
            {
                var gamma = Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]);
                Scale(gamma, direction);
                initialStep = 1;
            }
            else
            {
                initialStep = 1 / Math.Max(1, Norm2(gradient));
            }

            for (var i = stored - 1; i >= 0; i--)
            {
                var slot = (newest - i + Memory) % Memory;
                var b = rho[slot] * Dot(y[slot], direction);
                Axpy(alphaBuffer[slot] - b, s[slot], direction);
            }

            var slope = Dot(gradient, direction);
            if (!(slope < 0))
            {
                // Not a descent direction (rounding near the optimum): restart from steepest descent.
                stored = 0;
                for (var j = 0; j < dimension; j++)
                {
                    direction[j] = -gradient[j];
                }

                slope = Dot(gradient, direction);
                initialStep = 1 / Math.Max(1, Norm2(gradient));
            }

            // Weak Wolfe bisection.
            var step = initialStep;
            var low = 0.0;
            var high = double.PositiveInfinity;
            var accepted = false;
            double trialValue = 0;
            for (var attempt = 0; attempt < MaxLineSearchSteps; attempt++)
            {
                for (var j = 0; j < dimension; j++)
                {
                    trialX[j] = x[j] + step * direction[j];
                }

                trialValue = objective(trialX, trialGradient);
                var trialSlope = Dot(trialGradient, direction);
                if (!SufficientDecrease(value, trialValue, step, slope, trialSlope))
                {
                    high = step;
                }
                else if (trialSlope < CurvatureC2 * slope)
                {
                    low = step;
                }
                else
                {
                    accepted = true;
                    break;
                }

                step = double.IsPositiveInfinity(high) ? 2 * low : (low + high) / 2;
            }

            if (!accepted)
            {
                // Take the longest step that met the sufficient-decrease condition even if the curvature condition failed.
                // With none, the objective cannot be lowered further in floating point: stop.
                if (low > 0)
                {
                    step = low;
                    for (var j = 0; j < dimension; j++)
                    {
                        trialX[j] = x[j] + step * direction[j];
                    }

                    trialValue = objective(trialX, trialGradient);
                }
                else
                {
                    return new LbfgsResult(value, gradientNorm, iteration, Converged: false);
                }
            }

            var next = (newest + 1) % Memory;
            var sy = 0.0;
            var yy = 0.0;
            for (var j = 0; j < dimension; j++)
            {
                var sj = trialX[j] - x[j];
                var yj = trialGradient[j] - gradient[j];
                s[next][j] = sj;
                y[next][j] = yj;
                sy += sj * yj;
                yy += yj * yj;
            }

            // Keep the pair only when it carries positive curvature, so the implied Hessian stays positive definite.
            if (sy > 1e-16 * yy)
            {
                rho[next] = 1 / sy;
                newest = next;
                stored = Math.Min(stored + 1, Memory);
            }

            Array.Copy(trialX, x, dimension);
            Array.Copy(trialGradient, gradient, dimension);
            value = trialValue;
            iteration++;
        }
    }

    /// <summary>
    /// The Armijo condition, or near the optimum, where objective values differ by less than their rounding error and
    /// the Armijo test can no longer be trusted, Hager &amp; Zhang's approximate Wolfe condition on the directional
    /// derivative (<c>φ'(α) ≤ (2δ − 1)·φ'(0)</c>, δ = 0.1), which guarantees a decrease for a convex objective and
    /// is computed from gradients, which stay accurate there.
    /// </summary>
    private static bool SufficientDecrease(double value, double trialValue, double step, double slope, double trialSlope)
    {
        if (trialValue <= value + ArmijoC1 * step * slope)
        {
            return true;
        }

        return trialValue <= value + ApproximateWolfeTolerance * Math.Abs(value) && trialSlope <= (2 * ApproximateWolfeDelta - 1) * slope;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static void Scale(double a, double[] x)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= a;
        }
    }

    private static double Norm2(double[] x)
    {
        return Math.Sqrt(Dot(x, x));
    }

    private static double MaxAbs(double[] x)
    {
        var max = 0.0;
        foreach (var v in x)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }
}
