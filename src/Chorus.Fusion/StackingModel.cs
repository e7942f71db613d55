using System.Globalization;

namespace Chorus.Fusion;

/// <summary>
/// Stacking's meta-model: multinomial logistic regression over the members' aligned class scores, concatenated
/// member-major (member 0's classes in the ensemble's label order, then member 1's, ...).
/// </summary>
/// <remarks>
/// <para>
/// Training (<see cref="Fit"/>) minimises <c>Σ_i −log softmax(W·x_i + b)[y_i] + ‖W‖²/(2C)</c> with the intercepts b not
/// penalised: the objective of scikit-learn's <c>LogisticRegression(multi_class='multinomial', solver='lbfgs', C=C)</c>,
/// which is what <c>StackingClassifier</c> uses by default. The optimiser is this library's own L-BFGS, run until the
/// gradient is at rounding level (<see cref="StackingOptions.GradientTolerance"/>), so the coefficients agree with a
/// tightly converged scikit-learn fit (newton-cg) to about 1e-8, and with scikit-learn's lbfgs, which stops on scipy's
/// relative function tolerance about 1e-4 short of the optimum, to about 1e-4; never bit for bit. The intercepts are
/// centred to sum 0 (the loss cannot tell apart intercepts that differ by a constant).
/// </para>
/// <para>
/// C is chosen from <see cref="StackingOptions.CGrid"/> by stratified k-fold cross-validation (<see cref="StratifiedKFold"/>,
/// scikit-learn's unshuffled rule) on the same rows: for each C, the mean over folds of the held-out log loss
/// (<see cref="ClassificationMetrics.LogLoss"/>); the lowest wins, ties to the smaller C; then the model is refitted on all
/// rows with that C. Unlike scikit-learn's <c>StackingClassifier</c>, the rows handed in are already out-of-fold member
/// predictions: producing them is the caller's job.
/// </para>
/// <para>
/// Two departures from scikit-learn's <c>LogisticRegression</c>: every one of the <see cref="ClassCount"/> classes gets a
/// row of coefficients even if it is absent from the training labels (scikit-learn drops it), and a two-class model keeps
/// two rows (scikit-learn keeps one, <c>w1 − w0</c>); the probabilities are the same.
/// </para>
/// <para>An instance is immutable; <see cref="Predict"/> allocates nothing and may run on many threads at once.</para>
/// </remarks>
public sealed class StackingModel
{
    private readonly double[] _coefficients;
    private readonly double[] _intercepts;
    private readonly string[] _memberIds;
    private readonly string[] _classLabels;
    private readonly double[] _cGrid;
    private readonly double[] _crossValidationLogLoss;

    internal StackingModel(
        int featureCount,
        int classCount,
        double c,
        double[] coefficients,
        double[] intercepts,
        string[] memberIds,
        string[] classLabels,
        double[] cGrid,
        double[] crossValidationLogLoss,
        int folds)
    {
        FeatureCount = featureCount;
        ClassCount = classCount;
        C = c;
        _coefficients = coefficients;
        _intercepts = intercepts;
        _memberIds = memberIds;
        _classLabels = classLabels;
        _cGrid = cGrid;
        _crossValidationLogLoss = crossValidationLogLoss;
        Folds = folds;
    }

    /// <summary>The number of features of one sample (members × classes when member ids were recorded).</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes (the length of a probability row).</summary>
    public int ClassCount { get; }

    /// <summary>The inverse regularisation strength the final model was fitted with.</summary>
    public double C { get; }

    /// <summary>The coefficients W, <see cref="ClassCount"/> rows of <see cref="FeatureCount"/> values, row-major.</summary>
    public IReadOnlyList<double> Coefficients => _coefficients;

    /// <summary>The intercepts b, one per class, centred to sum 0.</summary>
    public IReadOnlyList<double> Intercepts => _intercepts;

    /// <summary>The member ids the model was trained on, in feature order; empty when none were recorded.</summary>
    public IReadOnlyList<string> MemberIds => _memberIds;

    /// <summary>The ensemble's labels in class-index order; empty when none were recorded.</summary>
    public IReadOnlyList<string> ClassLabels => _classLabels;

    /// <summary>The C values tried, ascending (one value when no cross-validation ran).</summary>
    public IReadOnlyList<double> CGrid => _cGrid;

    /// <summary>
    /// For each C in <see cref="CGrid"/>, the mean held-out log loss over the folds; empty when the grid had one value.
    /// </summary>
    public IReadOnlyList<double> CrossValidationLogLoss => _crossValidationLogLoss;

    /// <summary>The number of folds used to choose C (0 when no cross-validation ran).</summary>
    public int Folds { get; }

    /// <summary>Trains the meta-model, choosing C by cross-validation (see the class remarks).</summary>
    /// <param name="features">n × f features, row-major: each row the members' aligned scores, member-major.</param>
    /// <param name="labels">n true class indices, 0 to <paramref name="classCount"/> - 1.</param>
    /// <param name="classCount">The number of classes, at least 2.</param>
    /// <param name="options">Grid, folds, recorded ids and labels, optimiser limits; null for the defaults.</param>
    /// <exception cref="ArgumentException">The data or options are inconsistent, or the folds cannot be made.</exception>
    public static StackingModel Fit(double[] features, int[] labels, int classCount, StackingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new StackingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (labels.Length == 0)
        {
            throw new ArgumentException("There are no training samples.", nameof(labels));
        }

        if (features.Length == 0 || features.Length % labels.Length != 0)
        {
            throw new ArgumentException(
                $"{features.Length} feature values do not make {labels.Length} rows of equal length.", nameof(features));
        }

        var featureCount = features.Length / labels.Length;
        for (var i = 0; i < features.Length; i++)
        {
            if (!double.IsFinite(features[i]))
            {
                throw new ArgumentException(
                    $"Feature {i % featureCount} of sample {i / featureCount} is {features[i].ToString(CultureInfo.InvariantCulture)}; features must be finite.",
                    nameof(features));
            }
        }

        for (var n = 0; n < labels.Length; n++)
        {
            if ((uint)labels[n] >= (uint)classCount)
            {
                throw new ArgumentException($"Sample {n} has label {labels[n]}; labels are class indices 0 to {classCount - 1}.", nameof(labels));
            }
        }

        var memberIds = CheckNames(options.MemberIds, "member id", nameof(options));
        var classLabels = CheckNames(options.ClassLabels, "class label", nameof(options));
        if (memberIds.Length > 0 && memberIds.Length * classCount != featureCount)
        {
            throw new ArgumentException(
                $"{memberIds.Length} members × {classCount} classes make {memberIds.Length * classCount} features, but the rows have {featureCount}.",
                nameof(options));
        }

        if (classLabels.Length > 0 && classLabels.Length != classCount)
        {
            throw new ArgumentException($"{classLabels.Length} class labels were given for {classCount} classes.", nameof(options));
        }

        var grid = CheckGrid(options);
        var allRows = Enumerable.Range(0, labels.Length).ToArray();
        var chosen = grid[0];
        var crossValidation = Array.Empty<double>();
        var folds = 0;
        if (grid.Length > 1)
        {
            folds = options.Folds;
            var testFolds = StratifiedKFold.Split(labels, folds);
            crossValidation = new double[grid.Length];
            var probabilities = new double[classCount];
            for (var g = 0; g < grid.Length; g++)
            {
                var foldSum = 0.0;
                for (var fold = 0; fold < folds; fold++)
                {
                    var train = StratifiedKFold.TrainIndices(testFolds, fold, labels.Length);
                    var (w, b, _) = MultinomialLogisticRegression.Fit(
                        features, labels, train, featureCount, classCount, grid[g], options.GradientTolerance, options.MaxIterations);
                    var loss = 0.0;
                    foreach (var n in testFolds[fold])
                    {
                        MultinomialLogisticRegression.PredictProbabilities(w, b, features.AsSpan(n * featureCount, featureCount), probabilities);
                        loss += ClassificationMetrics.SampleLogLoss(probabilities, labels[n]);
                    }

                    foldSum += loss / testFolds[fold].Length;
                }

                crossValidation[g] = foldSum / folds;
            }

            var best = 0;
            for (var g = 1; g < grid.Length; g++)
            {
                if (crossValidation[g] < crossValidation[best])
                {
                    best = g;
                }
            }

            chosen = grid[best];
        }

        var (coefficients, intercepts, _) = MultinomialLogisticRegression.Fit(
            features, labels, allRows, featureCount, classCount, chosen, options.GradientTolerance, options.MaxIterations);
        return new StackingModel(featureCount, classCount, chosen, coefficients, intercepts, memberIds, classLabels, grid, crossValidation, folds);
    }

    /// <summary>Class probabilities for one sample: <c>softmax(W·x + b)</c>. Allocates nothing.</summary>
    /// <param name="features">The sample's <see cref="FeatureCount"/> features (aligned member scores, member-major).</param>
    /// <param name="probabilities">Receives <see cref="ClassCount"/> probabilities.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Predict(ReadOnlySpan<double> features, Span<double> probabilities)
    {
        if (features.Length != FeatureCount)
        {
            ThrowHelper.LengthMismatch(nameof(features), FeatureCount, features.Length);
        }

        if (probabilities.Length < ClassCount)
        {
            ThrowHelper.TooShort(nameof(probabilities), ClassCount, probabilities.Length);
        }

        MultinomialLogisticRegression.PredictProbabilities(_coefficients, _intercepts, features, probabilities[..ClassCount]);
    }

    /// <summary>
    /// Fuses one sample as an ensemble strategy: the meta-model's probabilities, the first maximum as the decision, and
    /// the same report as the voting strategies. Allocates nothing.
    /// </summary>
    /// <remarks>
    /// The features must be member rows of <see cref="ClassCount"/> scores each (member-major, as for training), so
    /// <see cref="FeatureCount"/> must be a multiple of <see cref="ClassCount"/> with at most 64 members. The meta-model
    /// needs every member: if any member's row holds a NaN or an infinity there is no decision (class -1, probabilities
    /// NaN) and the members are reported in <see cref="FusionDecision.ExcludedMembers"/>; the caller may fall back to
    /// voting. Ties go to the lowest class index. <see cref="FusionDecision.Agreement"/> is the fraction of members whose
    /// own first maximum is the decision.
    /// </remarks>
    /// <param name="memberScores">The sample's <see cref="FeatureCount"/> aligned member scores, member-major.</param>
    /// <param name="probabilities">Receives <see cref="ClassCount"/> probabilities (NaN when there is no decision).</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The features are not member rows of <see cref="ClassCount"/> scores.</exception>
    public FusionDecision Fuse(ReadOnlySpan<double> memberScores, Span<double> probabilities)
    {
        var classCount = ClassCount;
        var memberCount = FeatureCount / classCount;
        if (memberCount * classCount != FeatureCount || memberCount > MemberWeights.MaxMembers)
        {
            ThrowHelper.NotMemberRows(FeatureCount, classCount);
        }

        if (memberScores.Length != FeatureCount)
        {
            ThrowHelper.LengthMismatch(nameof(memberScores), FeatureCount, memberScores.Length);
        }

        if (probabilities.Length < classCount)
        {
            ThrowHelper.TooShort(nameof(probabilities), classCount, probabilities.Length);
        }

        probabilities = probabilities[..classCount];
        ulong excluded = 0;
        for (var m = 0; m < memberCount; m++)
        {
            if (!Scores.AllFinite(memberScores.Slice(m * classCount, classCount)))
            {
                excluded |= 1UL << m;
            }
        }

        if (excluded != 0)
        {
            probabilities.Fill(double.NaN);
            return new FusionDecision(-1, false, 0, excluded, 0);
        }

        MultinomialLogisticRegression.PredictProbabilities(_coefficients, _intercepts, memberScores, probabilities);
        var decision = Scores.ArgMax(probabilities);
        var agreeing = 0;
        for (var m = 0; m < memberCount; m++)
        {
            if (Scores.ArgMax(memberScores.Slice(m * classCount, classCount)) == decision)
            {
                agreeing++;
            }
        }

        return new FusionDecision(decision, Scores.HasTie(probabilities, decision), (double)agreeing / memberCount, 0, memberCount);
    }

    /// <summary>
    /// Throws unless the model was trained on exactly these members and labels, in this order: call it when an ensemble
    /// and its meta-model file are loaded together.
    /// </summary>
    /// <exception cref="FusionConfigurationException">The members or labels differ, or the model recorded none.</exception>
    public void EnsureMatches(IReadOnlyList<string> memberIds, IReadOnlyList<string> classLabels)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        ArgumentNullException.ThrowIfNull(classLabels);
        if (!memberIds.SequenceEqual(_memberIds, StringComparer.Ordinal))
        {
            throw new FusionConfigurationException(
                $"The stacking model was trained on members [{string.Join(", ", _memberIds)}] but the ensemble has [{string.Join(", ", memberIds)}]; "
                + "the meta-model's features follow the member order, so refit it for this ensemble (with StackingOptions.MemberIds set) or restore the members it was trained on.");
        }

        if (!classLabels.SequenceEqual(_classLabels, StringComparer.Ordinal))
        {
            throw new FusionConfigurationException(
                $"The stacking model was trained on labels [{string.Join(", ", _classLabels)}] but the ensemble has [{string.Join(", ", classLabels)}]; "
                + "refit the meta-model for these labels (with StackingOptions.ClassLabels set) or restore the label order it was trained on.");
        }
    }

    /// <summary>Writes the model as UTF-8 JSON (format <c>chorus.stacking</c>, version 1). The stream stays open.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        StackingModelFormat.Write(this, stream);
    }

    /// <summary>Reads a model written by <see cref="Save"/>. The stream stays open.</summary>
    /// <param name="stream">The JSON.</param>
    /// <param name="sourceName">Where the JSON came from (a path), for error messages.</param>
    /// <exception cref="FusionConfigurationException">The file is not valid JSON, not this format, of a newer version, or inconsistent.</exception>
    public static StackingModel Load(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return StackingModelFormat.Read(stream, sourceName ?? "stacking model");
    }

    /// <summary>
    /// The model as an ONNX ModelProto (IR version 7, opset 13): input <c>features</c> float32[N, f], a Gemm with the
    /// coefficients and intercepts as initializers, Softmax over axis 1, output <c>probabilities</c> float32[N, K].
    /// The weights are rounded to float32, so results agree with <see cref="Predict"/> to about 1e-6.
    /// </summary>
    public byte[] ToOnnx()
    {
        return StackingOnnxExport.Write(this);
    }

    private static string[] CheckNames(IReadOnlyList<string>? names, string kind, string parameterName)
    {
        if (names is null)
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name is null || !seen.Add(name))
            {
                throw new ArgumentException($"Each {kind} must be given once and not be null; '{name}' is not.", parameterName);
            }
        }

        return [.. names];
    }

    private static double[] CheckGrid(StackingOptions options)
    {
        if (options.CGrid is null || options.CGrid.Count == 0)
        {
            throw new ArgumentException("StackingOptions.CGrid is empty; give at least one C.", nameof(options));
        }

        foreach (var c in options.CGrid)
        {
            if (!double.IsFinite(c) || c <= 0)
            {
                throw new ArgumentException($"StackingOptions.CGrid holds {c.ToString(CultureInfo.InvariantCulture)}; every C must be finite and above 0.", nameof(options));
            }
        }

        if (options.CGrid.Count > 1 && options.Folds < 2)
        {
            throw new ArgumentException($"StackingOptions.Folds is {options.Folds}; cross-validation needs at least 2.", nameof(options));
        }

        if (!(options.GradientTolerance > 0) || options.MaxIterations < 1)
        {
            throw new ArgumentException("StackingOptions.GradientTolerance must be above 0 and MaxIterations at least 1.", nameof(options));
        }

        return [.. options.CGrid.Distinct().Order()];
    }
}
