using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Chorus.Benchmarks;

/// <summary>What a reader needs to compare numbers across machines: CPU, cores, OS, runtimes, build configuration.</summary>
internal static class MachineInfo
{
    public static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (File.Exists(CpuInfo))
        {
            foreach (var line in File.ReadLines(CpuInfo))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    return colon >= 0 ? line[(colon + 1)..].Trim() : line;
                }
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Describe(string onnxRuntimeVersion) =>
        $"{CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}; " +
        $"ONNX Runtime {onnxRuntimeVersion}; {RuntimeInformation.FrameworkDescription}; {(IsOptimized() ? "Release" : "DEBUG build (numbers are not representative)")}";

    /// <summary>Whether this assembly was compiled with optimizations (a Release build).</summary>
    public static bool IsOptimized()
    {
        var debuggable = typeof(MachineInfo).Assembly.GetCustomAttribute<DebuggableAttribute>();
        return debuggable is null || !debuggable.IsJITOptimizerDisabled;
    }
}
