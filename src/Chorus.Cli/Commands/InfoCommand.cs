using System.CommandLine;
using Chorus.OnnxRuntime;

namespace Chorus.Cli.Commands;

/// <summary><c>chorus info [model.onnx]</c>: the ONNX Runtime in use, and what a model needs and gets.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model") { Description = "An .onnx model to describe.", Arity = ArgumentArity.ZeroOrOne };
        var providers = new Option<string[]>("--providers")
        {
            Description = "Execution providers to ask for, in order of preference (e.g. --providers dml cuda cpu).",
            AllowMultipleArgumentsPerToken = true,
        };
        var strict = new Option<bool>("--strict") { Description = "Fail instead of falling back when the first provider is unavailable." };
        var command = new Command("info", "Show the ONNX Runtime version, build and providers, and for a model its inputs, outputs, metadata and provider.")
        {
            model, providers, strict,
        };
        command.SetAction(result => Run(result.GetValue(model), result.GetValue(providers) ?? [], result.GetValue(strict), Console.Out));
        return command;
    }

    internal static int Run(string? modelPath, string[] providerNames, bool strict, TextWriter output)
    {
        try
        {
            var env = OrtEnvironment.Instance;
            output.WriteLine($"ONNX Runtime  {env.Version}");
            output.WriteLine($"Library       {env.LibraryPath}");
            output.WriteLine($"Build         {env.BuildInfo}");
            output.WriteLine($"Providers     {string.Join(", ", env.AvailableProviders)}");
            if (modelPath is null)
            {
                return 0;
            }

            var options = new SessionOptions { StrictExecutionProviders = strict };
            foreach (var name in providerNames.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                options.ExecutionProviders.Add(ExecutionProvider.Parse(name));
            }

            using var session = InferenceSession.Create(modelPath, options);
            output.WriteLine();
            output.WriteLine($"Model         {session.ModelName} ({session.ModelPath})");
            var metadata = session.Metadata;
            output.WriteLine($"Producer      {metadata.ProducerName}");
            output.WriteLine($"Graph         {metadata.GraphName}");
            output.WriteLine($"Domain        {metadata.Domain}");
            output.WriteLine($"Version       {metadata.Version}");
            output.WriteLine($"Description   {metadata.Description}");
            foreach (var (key, value) in metadata.CustomMetadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"Metadata      {key} = {value}");
            }

            output.WriteLine("Inputs");
            foreach (var input in session.Inputs)
            {
                output.WriteLine($"  {input}");
            }

            output.WriteLine("Outputs");
            foreach (var o in session.Outputs)
            {
                output.WriteLine($"  {o}");
            }

            output.WriteLine($"Provider      {session.ExecutionProvider}");
            foreach (var attempt in session.ProviderAttempts)
            {
                output.WriteLine($"  {attempt}");
            }

            return 0;
        }
        catch (ChorusException ex)
        {
            Console.Error.WriteLine($"chorus info: {ex.Message}");
            return 1;
        }
    }
}
