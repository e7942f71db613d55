using System.Globalization;

namespace Chorus.Cli.Conformance;

/// <summary>
/// The committed list of conformance cases that are skipped, each with its reason, and of cases compared with other
/// tolerances than ONNX's defaults, each with its reason.
/// </summary>
/// <remarks>
/// Format, one entry a line, <c>#</c> starts a comment:
/// <code>
/// skip      node/test_adam                          training operator; ONNX Runtime's inference build has no kernel
/// tolerance node/test_dft  rtol=1e-3 atol=1e-4      FFT rounding differs from numpy's
/// </code>
/// A case may be named by its folder name alone (<c>test_adam</c>), which matches it in every suite, or as
/// <c>suite/case</c>. A trailing <c>*</c> matches a prefix.
/// </remarks>
internal sealed class ConformanceExpectations
{
    private readonly List<(string Pattern, string Reason)> _skips = [];
    private readonly List<(string Pattern, double Rtol, double Atol, string Reason)> _tolerances = [];

    public static ConformanceExpectations Empty { get; } = new();

    public static ConformanceExpectations Load(string path)
    {
        var expectations = new ConformanceExpectations();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                throw new FormatException($"{path}:{lineNumber}: expected 'skip CASE REASON' or 'tolerance CASE rtol=R atol=A REASON', got '{line}'.");
            }

            switch (parts[0])
            {
                case "skip":
                    expectations._skips.Add((parts[1], parts[2]));
                    break;
                case "tolerance":
                    var rest = parts[2].Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
                    if (rest.Length < 3 || !rest[0].StartsWith("rtol=", StringComparison.Ordinal) || !rest[1].StartsWith("atol=", StringComparison.Ordinal))
                    {
                        throw new FormatException($"{path}:{lineNumber}: a tolerance line reads 'tolerance CASE rtol=R atol=A REASON'.");
                    }

                    expectations._tolerances.Add((parts[1],
                        double.Parse(rest[0].AsSpan(5), CultureInfo.InvariantCulture),
                        double.Parse(rest[1].AsSpan(5), CultureInfo.InvariantCulture),
                        rest[2]));
                    break;
                default:
                    throw new FormatException($"{path}:{lineNumber}: unknown entry '{parts[0]}' (use 'skip' or 'tolerance').");
            }
        }

        return expectations;
    }

    public int SkipCount => _skips.Count;

    public string? SkipReason(string suite, string caseName) =>
        _skips.FirstOrDefault(s => Matches(s.Pattern, suite, caseName)).Reason;

    public (double Rtol, double Atol)? Tolerance(string suite, string caseName)
    {
        foreach (var t in _tolerances)
        {
            if (Matches(t.Pattern, suite, caseName))
            {
                return (t.Rtol, t.Atol);
            }
        }

        return null;
    }

    private static bool Matches(string pattern, string suite, string caseName)
    {
        var target = pattern.Contains('/', StringComparison.Ordinal) ? $"{suite}/{caseName}" : caseName;
        return pattern.EndsWith('*')
            ? target.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(target, pattern, StringComparison.Ordinal);
    }
}
