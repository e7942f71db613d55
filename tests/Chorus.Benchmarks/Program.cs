using Chorus.OnnxRuntime;

namespace Chorus.Benchmarks;

/// <summary>Entry point: <c>binding</c> (Chorus against the C harness), <c>leaks</c> (native memory over many cycles), <c>ensemble</c> (ensemble runner overhead), <c>native</c>, <c>remote</c> (remote members), <c>load</c> (HTTP serving load; it starts this program as its servers), <c>vad</c> (voice-activity members and fused, × real time on one core).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            var line = CommandLine.Parse(args);
            return line.Command switch
            {
                "binding" => await BindingBenchmark.RunAsync(line),
                "leaks" => LeakCheck.Run(line),
                "ensemble" => await EnsembleBenchmark.RunAsync(line),
                "native" => await NativePluginBenchmark.RunAsync(line),
                "remote" => await RemoteBenchmark.RunAsync(line),
                "load" => await LoadBenchmark.RunAsync(line),
                "load-serve-chorus" => await LoadServerHost.RunChorusAsync(line),
                "load-serve-bare" => await BareInferenceServer.RunAsync(line),
                "vad" => await VadBenchmark.RunAsync(line),
                _ => throw new BenchmarkException($"Unknown command '{line.Command}'. " + CommandLine.Usage, exitCode: 2),
            };
        }
        catch (BenchmarkException e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (OnnxRuntimeException e)
        {
            return Fail(e.Message, 1);
        }
        catch (DllNotFoundException e)
        {
            return Fail($"The ONNX Runtime library could not be loaded: {e.Message}", 1);
        }
        catch (IOException e)
        {
            return Fail(e.Message, 1);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(e.Message, 1);
        }
    }

    private static int Fail(string message, int exitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
