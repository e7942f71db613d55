namespace Chorus.Fusion;

/// <summary>Small per-row helpers shared by the strategies and metrics.</summary>
internal static class Scores
{
    /// <summary>Whether every value is finite (neither NaN nor infinite).</summary>
    public static bool AllFinite(ReadOnlySpan<double> row)
    {
        foreach (var value in row)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The index of the first maximum, numpy's <c>argmax</c> rule for finite rows: on ties the lowest index wins.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        var best = 0;
        var bestValue = row[0];
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > bestValue)
            {
                best = k;
                bestValue = row[k];
            }
        }

        return best;
    }

    /// <summary>Whether any index other than <paramref name="best"/> holds exactly the same value.</summary>
    public static bool HasTie(ReadOnlySpan<double> row, int best)
    {
        var bestValue = row[best];
        for (var k = best + 1; k < row.Length; k++)
        {
            if (row[k] == bestValue)
            {
                return true;
            }
        }

        // The first maximum has no equal before it by construction.
        return false;
    }

    /// <summary>
    /// The members that take part in a decision (not in <paramref name="excluded"/>, weight above 0) and how many of them
    /// pick <paramref name="decision"/> as their own class: their vote from <paramref name="votes"/> when it is given, else
    /// the first maximum of their row in <paramref name="memberScores"/> (row-major, <paramref name="classCount"/> wide).
    /// </summary>
    public static (int Voting, int Agreeing) Agreement(ReadOnlySpan<double> memberScores, ReadOnlySpan<int> votes, int classCount,
        ReadOnlySpan<double> weights, ulong excluded, int decision)
    {
        var voting = 0;
        var agreeing = 0;
        for (var m = 0; m < weights.Length; m++)
        {
            if ((excluded & (1UL << m)) != 0 || weights[m] == 0)
            {
                continue;
            }

            voting++;
            var vote = votes.IsEmpty ? ArgMax(memberScores.Slice(m * classCount, classCount)) : votes[m];
            if (vote == decision)
            {
                agreeing++;
            }
        }

        return (voting, agreeing);
    }
}
