using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chorus.Audio;
using Chorus.Hosting;
using Chorus.Hosting.Speech;
using Chorus.OnnxRuntime;
using Chorus.Streaming;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>vad</c>: speed of each voice-activity member and of the fused speech ensemble (plugins/vad.speech.json) on the
/// speech test set (tests/data/speech, 240 s of audio decoded once into memory), as seconds of audio per second of compute
/// on one core: ONNX Runtime's pool has one intra-op thread, members run one after another on the calling thread, and the
/// process should be pinned to one core (<c>taskset -c 0</c>). Rounds alternate members and fused; the reference in the same
/// run is the members' own streams, whose sum the fused stream cannot beat.
/// </summary>
internal static class VadBenchmark
{
    private const int ChunkSamples = 16000;

    public static async Task<int> RunAsync(CommandLine line)
    {
        var rounds = line.GetInt("--rounds", 5, 1);
        var outPath = line.GetString("--out");
        line.RejectUnknown();

        var root = BenchmarkFiles.RequireRepositoryRoot("plugins/ and tests/data/speech/");
        using var host = BenchmarkFiles.OpenPluginHost(root, new OrtEnvironmentOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        var ensemble = host.GetSpeechEnsemble("vad");
        var folder = Path.Combine(root, "tests", "data", "speech");
        var audio = Directory.EnumerateFiles(folder, "*.wav").Order(StringComparer.Ordinal)
            .SelectMany(f => WavReader.Read(f).Samples.ToArray()).ToArray();
        var seconds = (double)audio.Length / WavReader.OutputSampleRate;

        var members = ensemble.MemberIds;
        var memberTimes = members.Select(_ => new List<double>()).ToArray();
        var memberWall = members.Select(_ => new List<double>()).ToArray();
        var fusedTimes = new List<double>();
        var fusedWall = new List<double>();
        for (var round = -1; round < rounds; round++)
        {
            // Round -1 warms up and is not counted.
            for (var m = 0; m < members.Count; m++)
            {
                var (cpu, wall) = TimeMember(host.GetStreamingModel(members[m]), audio);
                if (round >= 0)
                {
                    memberTimes[m].Add(cpu);
                    memberWall[m].Add(wall);
                }
            }

            var (fusedCpu, wallFused) = TimeFused(ensemble, audio);
            if (round >= 0)
            {
                fusedTimes.Add(fusedCpu);
                fusedWall.Add(wallFused);
            }
        }

        var report = new StringBuilder();
        report.AppendLine("## Voice activity: members and the fused speech ensemble, seconds of audio per second of compute");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe(OrtEnvironment.Instance.Version)}; this process may use {Environment.ProcessorCount} core(s)");
        report.AppendLine(CultureInfo.InvariantCulture, $"Settings: ONNX Runtime intra-op and inter-op threads 1; members one after another on one thread; {seconds:F0} s of audio (tests/data/speech, 40 files) in {ChunkSamples}-sample chunks; {rounds} rounds, alternating; median per measurement");
        report.AppendLine(("Command: taskset -c 0 dotnet run -c Release --project tests/Chorus.Benchmarks -- vad " + string.Join(' ', line.Arguments)).TrimEnd());
        report.AppendLine();
        report.AppendLine("| stream | CPU s (median) | × real time per CPU second | wall s (median) | × real time per wall second |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        var sum = 0.0;
        var wallSum = 0.0;
        for (var m = 0; m < members.Count; m++)
        {
            var median = Statistics.Median(memberTimes[m]);
            var wall = Statistics.Median(memberWall[m]);
            sum += median;
            wallSum += wall;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {members[m]} alone | {median:F3} | {seconds / median:F1} | {wall:F3} | {seconds / wall:F1} |");
        }

        var fusedMedian = Statistics.Median(fusedTimes);
        var fusedWallMedian = Statistics.Median(fusedWall);
        report.AppendLine(CultureInfo.InvariantCulture, $"| members' sum (reference) | {sum:F3} | {seconds / sum:F1} | {wallSum:F3} | {seconds / wallSum:F1} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| fused ensemble '{ensemble.Id}' (members + grid fusion + segmenter) | {fusedMedian:F3} | {seconds / fusedMedian:F1} | {fusedWallMedian:F3} | {seconds / fusedWallMedian:F1} |");
        report.AppendLine();
        report.AppendLine("CPU s: the process's CPU time over the run (all its threads; pinned to one core, this is the compute). On a machine shared with other work the wall time is longer than the CPU time by the time the core served others.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Fused / members' sum (CPU): {fusedMedian / sum:F3}. Target fused ≥ 50× real time per CPU second: {(seconds / fusedMedian >= 50 ? "met" : "NOT met")} ({seconds / fusedMedian:F1}×).");
        Console.Write(report.ToString());
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, report.ToString());
        }

        return 0;
    }

    private static (double Cpu, double Wall) TimeMember(IStreamingModel model, float[] audio)
    {
        var scores = new List<FrameScore>(64);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        using (var stream = model.OpenStream(WavReader.OutputSampleRate))
        {
            for (var offset = 0; offset < audio.Length; offset += ChunkSamples)
            {
                stream.Push(audio.AsSpan(offset, Math.Min(ChunkSamples, audio.Length - offset)), scores);
                scores.Clear();
            }

            stream.Complete(scores);
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, wall);
    }

    private static (double Cpu, double Wall) TimeFused(SpeechEnsemble ensemble, float[] audio)
    {
        var output = new SpeechStreamOutput(ensemble.MemberIds.Count);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        using (var stream = ensemble.OpenStream(WavReader.OutputSampleRate))
        {
            for (var offset = 0; offset < audio.Length; offset += ChunkSamples)
            {
                stream.Push(audio.AsSpan(offset, Math.Min(ChunkSamples, audio.Length - offset)), output);
                output.Clear();
            }

            stream.Complete(output);
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, wall);
    }
}
