using Chorus.Streaming;

namespace Chorus.Hosting.Speech;

/// <summary>
/// Streaming voice-activity members fused frame by frame (<see cref="Fusion.Frames.FrameFusion"/>) and segmented
/// (<see cref="Fusion.Frames.SpeechSegmenter"/>). Made by <see cref="ChorusHost.LoadSpeechEnsemble"/>; safe to open streams
/// on from several threads.
/// </summary>
public sealed class SpeechEnsemble
{
    private readonly IReadOnlyList<IStreamingModel> _models;

    internal SpeechEnsemble(SpeechEnsembleDefinition definition, IReadOnlyList<IStreamingModel> models)
    {
        Definition = definition;
        _models = models;
        SampleRate = models[0].SampleRate;
    }

    /// <summary>The ensemble id.</summary>
    public string Id => Definition.Id;

    /// <summary>The definition with the members that loaded (member index = position).</summary>
    public SpeechEnsembleDefinition Definition { get; }

    /// <summary>The member plugin ids, in member order.</summary>
    public IReadOnlyList<string> MemberIds => Definition.Members.Select(m => m.PluginId).ToArray();

    /// <summary>The sample rate every member takes, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Opens a fused stream with fresh state for one audio source; the caller owns and disposes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The members take another sample rate.</exception>
    public SpeechStream OpenStream(int sampleRate = 16000)
    {
        var streams = new List<IFrameStream>(_models.Count);
        try
        {
            foreach (var model in _models)
            {
                streams.Add(model.OpenStream(sampleRate));
            }
        }
        catch
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }

            throw;
        }

        return new SpeechStream(Definition, streams);
    }
}
