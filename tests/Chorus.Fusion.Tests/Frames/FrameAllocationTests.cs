using Chorus.Fusion.Frames;

namespace Chorus.Fusion.Tests.Frames;

/// <summary>The per-frame paths allocate nothing once a stream is running, so a long stream runs in bounded memory.</summary>
[TestFixture]
[NonParallelizable]
public sealed class FrameAllocationTests
{
    [Test]
    public void Fusing_and_segmenting_a_running_stream_allocates_nothing()
    {
        double[] sizes = [0.010, 0.020, 0.032];
        var next = new long[3];
        var fusion = new FrameFusion(3, new FrameFusionOptions { Weights = [1, 2, 1] });
        var segmenter = new SpeechSegmenter(new SpeechSegmenterOptions());
        var frames = new List<FusedFrame>(1024);
        var segments = new List<SpeechSegment>(1024);
        var emitted = 0;

        void Run(double untilSeconds)
        {
            while (true)
            {
                // The member whose next frame starts first goes next, as frames would arrive from three streams.
                var member = 0;
                for (var m = 1; m < 3; m++)
                {
                    if (next[m] * sizes[m] < next[member] * sizes[member])
                    {
                        member = m;
                    }
                }

                var start = next[member] * sizes[member];
                if (start >= untilSeconds)
                {
                    return;
                }

                // A slow square wave: 1.5 s of speech-like scores, 1.5 s of silence-like ones.
                var probability = (int)(start / 1.5) % 2 == 0 ? 0.9f : 0.1f;
                fusion.Add(member, start, sizes[member], probability);
                next[member]++;
                frames.Clear();
                fusion.TakeReady(frames);
                foreach (var frame in frames)
                {
                    segmenter.Push(frame.StartSeconds, frame.DurationSeconds, frame.Probability, segments);
                }

                emitted += frames.Count;
                if (segments.Count > 512)
                {
                    segments.Clear();
                }
            }
        }

        Run(5.0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(600.0);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(emitted, Is.GreaterThanOrEqualTo((int)(599.9 / 0.032)), "10 minutes of grid frames came out");
        Assert.That(segments, Is.Not.Empty);
    }
}
