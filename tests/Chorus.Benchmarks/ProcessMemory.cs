using System.Globalization;

namespace Chorus.Benchmarks;

/// <summary>This process's memory as Linux reports it, after a full, finalizing garbage collection.</summary>
internal readonly record struct ProcessMemory(long ResidentBytes, long ManagedHeapBytes, long GCCommittedBytes)
{
    /// <summary>
    /// Collects (twice, around the finalizers, so objects kept alive only by a finalizer are gone too) and then reads
    /// <c>VmRSS</c> from <c>/proc/self/status</c> and the managed heap size.
    /// </summary>
    public static ProcessMemory Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        return new ProcessMemory(ReadResidentBytes(), managed, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    public static long ReadResidentBytes()
    {
        const string StatusFile = "/proc/self/status";
        if (!File.Exists(StatusFile))
        {
            throw new BenchmarkException($"{StatusFile} does not exist: the leak check reads the resident set size from it and runs on Linux only.", exitCode: 2);
        }

        foreach (var line in File.ReadLines(StatusFile))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:	   51234 kB"
                var parts = line["VmRSS:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new BenchmarkException($"{StatusFile} has no VmRSS line.");
    }
}
