namespace Chorus.Streaming;

/// <summary>
/// A model that scores audio as a stream of frames and keeps state between frames (a voice-activity detector, a keyword
/// spotter). A plugin's <see cref="Plugins.IModel"/> implements this interface as well when it can stream; the host then
/// opens streams on it (<c>ChorusHost.OpenStream</c>).
/// </summary>
/// <remarks>
/// The model itself holds no per-stream state: everything that changes from frame to frame lives in the
/// <see cref="IFrameStream"/> that <see cref="OpenStream"/> returns, so two streams never share state. <see cref="OpenStream"/>
/// may be called from several threads at once. The host owns the model; the caller of <see cref="OpenStream"/> owns the
/// stream and disposes it before the model is disposed.
/// </remarks>
public interface IStreamingModel
{
    /// <summary>The plugin id.</summary>
    string Id { get; }

    /// <summary>The sample rate the model takes, in Hz (16000 for the bundled detectors).</summary>
    int SampleRate { get; }

    /// <summary>Samples per scored frame (and per hop: frames do not overlap).</summary>
    int FrameSamples { get; }

    /// <summary>Opens a stream with fresh state for one audio source.</summary>
    /// <param name="sampleRate">The rate of the samples the caller will push; it must equal <see cref="SampleRate"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate is not the model's; the message says to resample (e.g. with Chorus.Audio).</exception>
    IFrameStream OpenStream(int sampleRate);
}
