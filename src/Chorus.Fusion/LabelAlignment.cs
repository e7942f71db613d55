namespace Chorus.Fusion;

/// <summary>
/// Maps one member's score columns onto the ensemble's label order by label name, so that members listing their classes
/// in a different order, or covering only some of them, can be fused. Built once when the ensemble is loaded; applying it
/// to a row allocates nothing.
/// </summary>
/// <remarks>
/// Labels are compared with ordinal, case-sensitive string equality. A class the member does not cover gets score 0 in
/// the aligned row (the member gives it no probability). scikit-learn never aligns: its members are all fitted on the same
/// encoded labels, so columns line up by construction, and foreign models with another order break silently.
/// </remarks>
public sealed class LabelAlignment
{
    private readonly int[] _memberToEnsemble;

    private LabelAlignment(string memberName, int ensembleClassCount, int[] memberToEnsemble)
    {
        MemberName = memberName;
        EnsembleClassCount = ensembleClassCount;
        _memberToEnsemble = memberToEnsemble;
        CoversAll = memberToEnsemble.Length == ensembleClassCount;
        var identity = CoversAll;
        for (var j = 0; identity && j < memberToEnsemble.Length; j++)
        {
            identity = memberToEnsemble[j] == j;
        }

        IsIdentity = identity;
    }

    /// <summary>The member this alignment belongs to, as named in error messages.</summary>
    public string MemberName { get; }

    /// <summary>Classes in the ensemble's label order (the length of an aligned row).</summary>
    public int EnsembleClassCount { get; }

    /// <summary>Classes the member scores (the length of one of its rows).</summary>
    public int MemberClassCount => _memberToEnsemble.Length;

    /// <summary>Whether the member scores every ensemble class.</summary>
    public bool CoversAll { get; }

    /// <summary>Whether the member's columns are already the ensemble's, in the same order.</summary>
    public bool IsIdentity { get; }

    /// <summary>Builds the mapping of a member's labels onto the ensemble's.</summary>
    /// <param name="ensembleLabels">The ensemble's labels in its order; unique, not empty.</param>
    /// <param name="memberLabels">The member's labels in the order of its score columns; unique, not empty.</param>
    /// <param name="memberName">The member's model or plugin name, for error messages.</param>
    /// <exception cref="FusionConfigurationException">
    /// A list is empty or holds a duplicate or null label, or the member has a label the ensemble does not know.
    /// </exception>
    public static LabelAlignment Create(IReadOnlyList<string> ensembleLabels, IReadOnlyList<string> memberLabels, string memberName)
    {
        ArgumentNullException.ThrowIfNull(ensembleLabels);
        ArgumentNullException.ThrowIfNull(memberLabels);
        ArgumentNullException.ThrowIfNull(memberName);

        var ensembleIndex = IndexLabels(ensembleLabels, $"the ensemble of member '{memberName}'", memberName);
        IndexLabels(memberLabels, $"member '{memberName}'", memberName);

        var map = new int[memberLabels.Count];
        for (var j = 0; j < map.Length; j++)
        {
            if (!ensembleIndex.TryGetValue(memberLabels[j], out var k))
            {
                throw new FusionConfigurationException(
                    $"Member '{memberName}' has label '{memberLabels[j]}', which the ensemble does not know; the ensemble's labels are "
                    + $"[{string.Join(", ", ensembleLabels)}]. Add the label to the ensemble or fix the member's label list.",
                    memberName);
            }

            map[j] = k;
        }

        return new LabelAlignment(memberName, ensembleLabels.Count, map);
    }

    /// <summary>The ensemble class index of the member's column <paramref name="memberColumn"/>.</summary>
    public int EnsembleIndexOf(int memberColumn)
    {
        return _memberToEnsemble[memberColumn];
    }

    /// <summary>Writes one member row in the ensemble's order; classes the member does not cover get 0.</summary>
    /// <param name="memberRow">The member's <see cref="MemberClassCount"/> scores, in its own order.</param>
    /// <param name="ensembleRow">Receives <see cref="EnsembleClassCount"/> scores in the ensemble's order.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Apply(ReadOnlySpan<float> memberRow, Span<double> ensembleRow) => ApplyCore(memberRow, ensembleRow);

    /// <inheritdoc cref="Apply(ReadOnlySpan{float}, Span{double})"/>
    public void Apply(ReadOnlySpan<double> memberRow, Span<double> ensembleRow) => ApplyCore(memberRow, ensembleRow);

    // One body for both element types; the JIT specialises it per type, so neither allocates or boxes.
    private void ApplyCore<T>(ReadOnlySpan<T> memberRow, Span<double> ensembleRow)
        where T : System.Numerics.INumberBase<T>
    {
        var map = _memberToEnsemble;
        CheckLengths(memberRow.Length, ensembleRow.Length);
        if (!CoversAll)
        {
            ensembleRow.Clear();
        }

        for (var j = 0; j < map.Length; j++)
        {
            ensembleRow[map[j]] = double.CreateTruncating(memberRow[j]);
        }
    }

    private void CheckLengths(int memberLength, int ensembleLength)
    {
        if (memberLength != _memberToEnsemble.Length)
        {
            ThrowHelper.LengthMismatch("memberRow", _memberToEnsemble.Length, memberLength);
        }

        if (ensembleLength != EnsembleClassCount)
        {
            ThrowHelper.LengthMismatch("ensembleRow", EnsembleClassCount, ensembleLength);
        }
    }

    private static Dictionary<string, int> IndexLabels(IReadOnlyList<string> labels, string owner, string memberName)
    {
        if (labels.Count == 0)
        {
            throw new FusionConfigurationException($"The label list of {owner} is empty; list the classes in score-column order.", memberName);
        }

        var index = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i];
            if (label is null)
            {
                throw new FusionConfigurationException($"Label {i} of {owner} is null; every score column needs a label.", memberName);
            }

            if (!index.TryAdd(label, i))
            {
                throw new FusionConfigurationException(
                    $"The labels of {owner} list '{label}' twice (positions {index[label]} and {i}); each class must appear once.",
                    memberName);
            }
        }

        return index;
    }
}
