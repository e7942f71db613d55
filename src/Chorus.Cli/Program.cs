using System.CommandLine;
using Chorus.Cli.Commands;

namespace Chorus.Cli;

/// <summary>The <c>chorus</c> command line.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Chorus: run several models side by side and fuse their answers.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ConformanceCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(VadCommand.Create());
        root.Subcommands.Add(FitCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        // InvokeAsync turns Ctrl+C into a canceled token for the async commands (eval, fit, demo, serve).
        return root.Parse(args).InvokeAsync();
    }
}
