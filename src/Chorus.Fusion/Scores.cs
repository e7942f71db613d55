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
}
