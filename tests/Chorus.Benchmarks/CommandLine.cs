using System.Globalization;

namespace Chorus.Benchmarks;

/// <summary>
/// The command and its <c>--name value</c> options. Plain parsing: every option takes one value, and an option the
/// command does not know is an error (checked by <see cref="RejectUnknown"/> once the command has read what it needs).
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(string command, IReadOnlyList<string> arguments)
    {
        Command = command;
        Arguments = arguments;
    }

    /// <summary>The command: <c>binding</c> or <c>leaks</c>.</summary>
    public string Command { get; }

    /// <summary>Everything after the command, as given (for the "rerun with" line).</summary>
    public IReadOnlyList<string> Arguments { get; }

    public static CommandLine Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new BenchmarkException("No command given. " + Usage, exitCode: 2);
        }

        var line = new CommandLine(args[0], args[1..]);
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new BenchmarkException($"Unexpected argument '{name}': options are written --name value. " + Usage, exitCode: 2);
            }

            if (i + 1 >= args.Length)
            {
                throw new BenchmarkException($"Option '{name}' needs a value. " + Usage, exitCode: 2);
            }

            if (!line._options.TryAdd(name, args[++i]))
            {
                throw new BenchmarkException($"Option '{name}' is given twice.", exitCode: 2);
            }
        }

        return line;
    }

    public const string Usage =
        "Usage: dotnet run -c Release --project tests/Chorus.Benchmarks -- <command> [options]\n" +
        "  binding  [--threads T] [--rounds R] [--iterations N] [--warmup W] [--c-harness PATH] [--cases LIST] [--out FILE]\n" +
        "  leaks    [--threads T] [--cycles N] [--sessions N] [--warmup-cycles N] [--warmup-sessions N] [--warmup-ms MS]\n" +
        "  ensemble [--threads T] [--rounds R] [--iterations N] [--out FILE]\n" +
        "  native   [--rounds R] [--iterations N] [--out FILE]\n" +
        "  remote   [--threads T] [--rounds R] [--iterations N] [--out FILE]\n" +
        "  load     [--duration S] [--warmup S] [--rounds R] [--concurrency 1,8,32] [--batched-concurrency 32] [--batching 32,1ms] [--out FILE]\n" +
        "  vad      [--rounds R] [--out FILE]   (run under taskset -c 0 for one core)\n" +
        "See tests/Chorus.Benchmarks/README.md.";

    public string? GetString(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var value) ? value : null;
    }

    public int GetInt(string name, int defaultValue, int min)
    {
        var text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new BenchmarkException($"Option '{name}' takes a whole number of at least {min}, not '{text}'.", exitCode: 2);
        }

        return value;
    }

    /// <summary>Fails on any option the command did not read, so a typo is not silently ignored.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _options.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new BenchmarkException($"The '{Command}' command has no option '{name}'. " + Usage, exitCode: 2);
            }
        }
    }

    /// <summary>The command line to rerun this exact benchmark.</summary>
    public string RerunCommand()
    {
        var parts = new List<string> { "dotnet run -c Release --project tests/Chorus.Benchmarks --", Command };
        parts.AddRange(Arguments.Select(Quote));
        return string.Join(' ', parts);
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
