namespace Chorus.Fusion;

/// <summary>
/// Multinomial (softmax) logistic regression with an L2 penalty on the coefficients and free intercepts: the objective of
/// scikit-learn's <c>LogisticRegression(multi_class='multinomial', penalty='l2', C=C)</c>,
/// <c>Σ_i −log softmax(W·x_i + b)[y_i] + ‖W‖²/(2C)</c>, divided by the sample count (the same minimiser, better scaled).
/// </summary>
internal static class MultinomialLogisticRegression
{
    /// <summary>Fits on the rows <paramref name="rows"/> of the n × f matrix <paramref name="features"/>.</summary>
    /// <returns>Coefficients K × f row-major, intercepts K (centred to sum 0), and the optimiser's outcome.</returns>
    public static (double[] Coefficients, double[] Intercepts, LbfgsResult Result) Fit(
        double[] features, int[] labels, int[] rows, int featureCount, int classCount, double c, double gradientTolerance, int maxIterations)
    {
        var f = featureCount;
        var k = classCount;
        var parameterCount = k * f + k;
        var penalty = 1.0 / (c * rows.Length);
        var inverseCount = 1.0 / rows.Length;
        var logits = new double[k];

        double Objective(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            gradient.Clear();
            var w = theta[..(k * f)];
            var b = theta[(k * f)..];
            var gradientW = gradient[..(k * f)];
            var gradientB = gradient[(k * f)..];
            var loss = 0.0;
            foreach (var n in rows)
            {
                var x = features.AsSpan(n * f, f);
                var logSumExp = Logits(w, b, x, logits);
                loss += logSumExp - logits[labels[n]];
                for (var j = 0; j < k; j++)
                {
                    var residual = Math.Exp(logits[j] - logSumExp) - (j == labels[n] ? 1 : 0);
                    gradientB[j] += residual;
                    var row = gradientW.Slice(j * f, f);
                    for (var i = 0; i < f; i++)
                    {
                        row[i] += residual * x[i];
                    }
                }
            }

            var squaredNorm = 0.0;
            for (var i = 0; i < w.Length; i++)
            {
                squaredNorm += w[i] * w[i];
                gradientW[i] = gradientW[i] * inverseCount + penalty * w[i];
            }

            for (var j = 0; j < k; j++)
            {
                gradientB[j] *= inverseCount;
            }

            return loss * inverseCount + 0.5 * penalty * squaredNorm;
        }

        var parameters = new double[parameterCount];
        var result = Lbfgs.Minimize(Objective, parameters, gradientTolerance, maxIterations);
        var coefficients = parameters[..(k * f)];
        var intercepts = parameters[(k * f)..];

        // The loss does not change when one constant is added to every intercept, and the intercepts are not penalised,
        // so centre them: the gradient's intercept part sums to 0, which keeps scikit-learn's lbfgs (started at 0) on the
        // same centred solution.
        var mean = intercepts.Average();
        for (var j = 0; j < k; j++)
        {
            intercepts[j] -= mean;
        }

        return (coefficients, intercepts, result);
    }

    /// <summary>
    /// Writes <c>W·x + b</c> into <paramref name="logits"/> and returns their log-sum-exp (computed from the maximum, so it
    /// neither overflows nor underflows).
    /// </summary>
    public static double Logits(ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, ReadOnlySpan<double> x, Span<double> logits)
    {
        var f = x.Length;
        var max = double.NegativeInfinity;
        for (var j = 0; j < logits.Length; j++)
        {
            var row = coefficients.Slice(j * f, f);
            var z = intercepts[j];
            for (var i = 0; i < f; i++)
            {
                z += row[i] * x[i];
            }

            logits[j] = z;
            max = Math.Max(max, z);
        }

        var sum = 0.0;
        for (var j = 0; j < logits.Length; j++)
        {
            sum += Math.Exp(logits[j] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>Writes softmax(W·x + b) into <paramref name="probabilities"/>.</summary>
    public static void PredictProbabilities(ReadOnlySpan<double> coefficients, ReadOnlySpan<double> intercepts, ReadOnlySpan<double> x, Span<double> probabilities)
    {
        var logSumExp = Logits(coefficients, intercepts, x, probabilities);
        for (var j = 0; j < probabilities.Length; j++)
        {
            probabilities[j] = Math.Exp(probabilities[j] - logSumExp);
        }
    }
}
