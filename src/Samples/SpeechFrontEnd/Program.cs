using System.Globalization;
using Chorus.Audio;
using Chorus.Hosting;
using Chorus.Hosting.Speech;
using Chorus.Streaming;
using Microsoft.Extensions.DependencyInjection;

// A speech front end in a few lines: the host comes from dependency injection (AddChorus), the WAV file is read in
// 100 ms chunks as if it came from a microphone, and every chunk goes to two kinds of stream: one fused speech ensemble
// (segments as soon as they are final) and one single model (raw frame scores). Each stream keeps its own state.
//
//   dotnet run --project src/Samples/SpeechFrontEnd -- tests/data/speech/en-f_pink-10.wav [plugins]
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: SpeechFrontEnd FILE.wav [PLUGIN-FOLDER]   (the plugin folder defaults to ./plugins)");
    return 2;
}

var services = new ServiceCollection();
services.AddChorus(options => options.PluginDirectories.Add(args.Length > 1 ? args[1] : "plugins"));
using var provider = services.BuildServiceProvider();
var host = provider.GetRequiredService<ChorusHost>();

try
{
    var ensemble = host.GetSpeechEnsemble("vad");
    using var reader = WavReader.Open(args[0]);
    using var fused = ensemble.OpenStream(WavReader.OutputSampleRate);
    using var single = host.OpenStream("silero-vad-v5", WavReader.OutputSampleRate);
    var output = new SpeechStreamOutput(ensemble.MemberIds.Count);
    var frames = new List<FrameScore>();
    var chunk = new float[WavReader.OutputSampleRate / 10];
    var speechFrames = 0;
    var totalFrames = 0;

    Console.WriteLine($"{args[0]}: {reader.Source.SampleRate} Hz, {reader.Source.Channels} channel(s), {reader.Source.BitsPerSample}-bit; ensemble '{ensemble.Id}' = {string.Join(" + ", ensemble.MemberIds)}");
    for (int n; (n = reader.Read(chunk)) > 0;)
    {
        fused.Push(chunk.AsSpan(0, n), output);
        single.Push(chunk.AsSpan(0, n), frames);
        Report(output, frames, ref speechFrames, ref totalFrames);
    }

    fused.Complete(output);
    single.Complete(frames);
    Report(output, frames, ref speechFrames, ref totalFrames);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"silero-vad-v5 alone: {speechFrames} of {totalFrames} frames (32 ms) at p >= 0.5"));
    foreach (var failure in fused.FailedMembers)
    {
        Console.WriteLine($"member {failure.Key} failed and was left out: {failure.Value}");
    }

    return 0;
}
catch (Exception ex) when (ex is AudioFormatException or IOException or KeyNotFoundException or Chorus.ChorusException)
{
    Console.Error.WriteLine($"SpeechFrontEnd: {ex.Message}");
    return 1;
}

static void Report(SpeechStreamOutput output, List<FrameScore> frames, ref int speechFrames, ref int totalFrames)
{
    foreach (var segment in output.Segments)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"speech {segment.StartSeconds,7:F2} s – {segment.EndSeconds,7:F2} s  (confidence {segment.Confidence:F2})"));
    }

    speechFrames += frames.Count(f => f.Probability >= 0.5f);
    totalFrames += frames.Count;
    output.Clear();
    frames.Clear();
}
