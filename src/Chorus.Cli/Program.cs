using System.CommandLine;
using Chorus.Cli.Commands;

namespace Chorus.Cli;

/// <summary>The <c>chorus</c> command line.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("Chorus: run several models side by side and fuse their answers.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ConformanceCommand.Create());
        return root.Parse(args).Invoke();
    }
}
