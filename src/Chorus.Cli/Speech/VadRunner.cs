using Chorus.Audio;
using Chorus.Fusion.Frames;
using Chorus.Hosting.Speech;

namespace Chorus.Cli.Speech;

/// <summary>
/// Streams a WAV file through a speech ensemble in bounded memory (Chorus.Audio reads and resamples it a chunk at a
/// time). Each member's own frames also go through a segmenter with the ensemble's options, so members and the fused
/// result are scored by the same rules.
/// </summary>
internal static class VadRunner
{
    private const int ChunkSamples = 16000;

    public static VadResult Run(SpeechEnsemble ensemble, string wavPath, CancellationToken cancellationToken)
    {
        using var reader = WavReader.Open(wavPath);
        using var stream = ensemble.OpenStream(WavReader.OutputSampleRate);
        var members = ensemble.MemberIds;
        var output = new SpeechStreamOutput(members.Count);
        var segmenters = members.Select(_ => new SpeechSegmenter(ensemble.Definition.Segmenter)).ToArray();
        var perMember = members.Select(_ => new List<SpeechSegment>()).ToArray();
        var fused = new List<SpeechSegment>();
        var chunk = new float[ChunkSamples];
        long samples = 0;
        for (int n; (n = reader.Read(chunk)) > 0;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stream.Push(chunk.AsSpan(0, n), output);
            samples += n;
            Collect(output, segmenters, perMember, fused);
        }

        stream.Complete(output);
        Collect(output, segmenters, perMember, fused);
        var duration = (double)samples / WavReader.OutputSampleRate;
        for (var m = 0; m < segmenters.Length; m++)
        {
            segmenters[m].Complete(duration, perMember[m]);
        }

        return new VadResult(wavPath, duration, members, fused, perMember, new Dictionary<string, string>(stream.FailedMembers));
    }

    private static void Collect(SpeechStreamOutput output, SpeechSegmenter[] segmenters, List<SpeechSegment>[] perMember, List<SpeechSegment> fused)
    {
        fused.AddRange(output.Segments);
        for (var m = 0; m < segmenters.Length; m++)
        {
            foreach (var frame in output.MemberFrames[m])
            {
                segmenters[m].Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, perMember[m]);
            }
        }

        output.Clear();
    }
}
