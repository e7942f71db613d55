using Chorus.Hosting;
using Chorus.Hosting.Ensembles;

namespace Chorus.Server;

/// <summary>
/// An ensemble, named by its id: outputs <c>scores</c> (fused) FP32 [batch, labels] and <c>label</c> BYTES [batch], and
/// on request each member's aligned scores as <c>member:&lt;id&gt;</c> FP32 [batch, labels].
/// </summary>
internal sealed class ServedEnsemble : ServedModel
{
    public const string LabelOutput = "label";
    public const string MemberPrefix = "member:";

    private readonly Ensemble _ensemble;
    private readonly ChorusHost _host;

    public ServedEnsemble(Ensemble ensemble, ChorusHost host)
        : base(ensemble.Id, "1", "chorus-ensemble")
    {
        _ensemble = ensemble;
        _host = host;

        // The members' common input name, so a client can switch between a member and its ensemble unchanged.
        var names = ensemble.Members.Where(m => m.Remote is null).Select(m => host.Catalog.Find(m.PluginId)?.Manifest is { Inputs.Count: > 0 } manifest ? manifest.Inputs[0].Name : null).Distinct().ToList();
        InputName = names is [{ } name] ? name : "input";
        Outputs = [(ScoresOutput, "FP32", [-1, ensemble.Labels.Count]), (LabelOutput, "BYTES", [-1])];
    }

    /// <summary>
    /// Local members whose plugin is not loaded now (unloaded, or a reload failed); they fail as members when called. Remote
    /// members are not listed: whether their server answers shows per request.
    /// </summary>
    public IReadOnlyList<string> MissingMembers =>
        _ensemble.Members.Where(m => m.Remote is null).Select(m => m.PluginId).Where(id => _host.Catalog.Find(id)?.Model is null).ToArray();

    /// <summary>Unavailable when fewer members are loaded than the policy's minimum; fewer than all answers degraded.</summary>
    public override string? Unavailable
    {
        get
        {
            var missing = MissingMembers;
            var needed = Math.Max(1, _ensemble.Definition.Policy.MinMembers);
            var left = _ensemble.Members.Count - missing.Count;
            return missing.Count == 0 || left >= needed
                ? null
                : $"ensemble '{Name}' cannot answer: member(s) {string.Join(", ", missing)} are not loaded; {left} of {_ensemble.Members.Count} remain and the policy needs {needed}.";
        }
    }

    public override string InputName { get; }

    public override int SampleSize => _ensemble.SampleSize;

    public override IReadOnlyList<string> Labels => _ensemble.Labels;

    public override IReadOnlyList<(string Name, string Datatype, int[] Shape)> Outputs { get; }

    public override bool HasOutput(string name) =>
        base.HasOutput(name) || (name.StartsWith(MemberPrefix, StringComparison.Ordinal) && _ensemble.Members.Any(m => m.PluginId == name[MemberPrefix.Length..]));

    public override async Task<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<FusedPrediction> predictions;
        try
        {
            predictions = await _ensemble.PredictAsync(request.Samples, request.BatchSize, cancellationToken).ConfigureAwait(false);
        }
        catch (EnsembleException ex)
        {
            // Triton's UNAVAILABLE: the ensemble exists but cannot answer now (too few members, or the policy says fail).
            throw new ProtocolException(503, ex.Message);
        }

        var batch = request.BatchSize;
        var labelCount = _ensemble.Labels.Count;
        var outputs = new List<OutputTensor>();
        if (Wants(request, ScoresOutput))
        {
            var scores = new float[batch * labelCount];
            for (var i = 0; i < batch; i++)
            {
                Copy(predictions[i].Scores, scores.AsSpan(i * labelCount, labelCount));
            }

            outputs.Add(new(ScoresOutput, "FP32", [batch, labelCount], scores, null));
        }

        if (Wants(request, LabelOutput))
        {
            outputs.Add(new(LabelOutput, "BYTES", [batch], null, predictions.Select(p => p.Label ?? string.Empty).ToArray()));
        }

        foreach (var member in _ensemble.Members)
        {
            var output = MemberPrefix + member.PluginId;
            var asked = request.RequestedOutputs?.Contains(output, StringComparer.Ordinal) ?? request.MemberScores;
            if (!asked)
            {
                continue;
            }

            // A member that failed or timed out has no scores; it is listed in the 'excluded_members' parameter instead.
            if (predictions.Any(p => p.Members.FirstOrDefault(s => s.MemberId == member.PluginId)?.Scores is null))
            {
                continue;
            }

            var values = new float[batch * labelCount];
            for (var i = 0; i < batch; i++)
            {
                Copy(predictions[i].Members.First(s => s.MemberId == member.PluginId).Scores!, values.AsSpan(i * labelCount, labelCount));
            }

            outputs.Add(new(output, "FP32", [batch, labelCount], values, null));
        }

        var parameters = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            // One number per request: the lowest agreement in the batch (the sample's own for a batch of one).
            ["agreement"] = predictions.Min(p => p.Agreement),
            ["degraded"] = predictions.Any(p => p.IsDegraded),
            ["strategy"] = _ensemble.Strategy.ToString().ToLowerInvariant(),
        };
        var excluded = predictions.SelectMany(p => p.ExcludedMembers).Distinct(StringComparer.Ordinal).ToList();
        if (excluded.Count > 0)
        {
            parameters["excluded_members"] = string.Join(",", excluded);
        }

        return new InferenceResult(outputs, parameters);
    }

    private static void Copy(IReadOnlyList<double> source, Span<float> destination)
    {
        for (var j = 0; j < destination.Length; j++)
        {
            destination[j] = (float)source[j];
        }
    }
}
