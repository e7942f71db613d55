using Chorus.Audio;
using Chorus.Hosting.Speech;

namespace Chorus.Hosting.Tests.Speech;

/// <summary>
/// A two-hour 16 kHz WAV, generated on the fly through a <see cref="Stream"/> (never on disk), read by Chorus.Audio and
/// streamed through the bundled three-member speech ensemble: the managed heap must not grow with the audio's length.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class TwoHourStreamTests
{
    [Test]
    public void Two_hours_stream_in_bounded_memory()
    {
        var options = new ChorusOptions();
        options.PluginDirectories.Add(RepositoryPaths.Plugins);
        using var host = ChorusHost.Create(options);
        var ensemble = host.GetSpeechEnsemble("vad");
        const int Seconds = 2 * 60 * 60;
        using var wav = new SyntheticWavStream(Seconds);
        using var reader = WavReader.Open(wav, "two-hours.wav");
        using var stream = ensemble.OpenStream();
        var output = new SpeechStreamOutput(ensemble.MemberIds.Count);
        var chunk = new float[16000];
        long samples = 0;
        long segments = 0;
        long frames = 0;
        long heapAfterTenMinutes = 0;
        var heapMax = 0L;
        for (int n; (n = reader.Read(chunk)) > 0;)
        {
            stream.Push(chunk.AsSpan(0, n), output);
            segments += output.Segments.Count;
            frames += output.Frames.Count;
            output.Clear();
            samples += n;
            if (samples % (600 * 16000L) == 0)
            {
                var heap = Heap();
                if (samples == 600 * 16000L)
                {
                    heapAfterTenMinutes = heap;
                }

                heapMax = Math.Max(heapMax, heap);
            }
        }

        stream.Complete(output);
        segments += output.Segments.Count;
        frames += output.Frames.Count + 0;
        Assert.That(samples, Is.EqualTo(Seconds * 16000L));
        Assert.That(frames, Is.EqualTo((long)Math.Ceiling(Seconds / 0.032)));
        Assert.That(stream.FailedMembers, Is.Empty);
        // The synthetic audio alternates 3 s of tone bursts with 3 s of quiet noise: one segment per burst at most.
        Assert.That(segments, Is.GreaterThan(0).And.LessThanOrEqualTo(Seconds / 6 + 1));
        Assert.That(heapMax - heapAfterTenMinutes, Is.LessThan(4 * 1024 * 1024),
            $"heap after 10 min {heapAfterTenMinutes} bytes, largest later {heapMax} bytes");
        TestContext.Out.WriteLine($"2 h streamed: {frames} fused frames, {segments} segments; heap {heapAfterTenMinutes} → max {heapMax} bytes");
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>
    /// A read-only, non-seekable 16-bit 16 kHz mono WAV made as it is read: a header, then 3 s of a voiced-like harmonic
    /// tone (150 Hz with overtones, amplitude-modulated at 4 Hz like syllables) and 3 s of low noise, repeated.
    /// </summary>
    private sealed class SyntheticWavStream(int seconds) : Stream
    {
        private readonly long _dataBytes = seconds * 16000L * 2;
        private readonly byte[] _header = Header(seconds * 16000L * 2);
        private readonly Random _random = new(5);
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < _header.Length + _dataBytes)
            {
                if (_position < _header.Length)
                {
                    buffer[written++] = _header[_position++];
                    continue;
                }

                var dataOffset = _position - _header.Length;
                if (dataOffset % 2 != 0 || buffer.Length - written < 2)
                {
                    break;
                }

                var n = dataOffset / 2;
                var t = n / 16000.0;
                double value;
                if ((long)(t / 3) % 2 == 0)
                {
                    var envelope = 0.5 * (1 - Math.Cos(2 * Math.PI * 4 * t));
                    value = envelope * 0.2 * (Math.Sin(2 * Math.PI * 150 * t) + (0.5 * Math.Sin(2 * Math.PI * 300 * t)) + (0.25 * Math.Sin(2 * Math.PI * 450 * t)));
                }
                else
                {
                    value = 0.003 * ((_random.NextDouble() * 2) - 1);
                }

                var sample = (short)Math.Clamp(value * 32767, -32768, 32767);
                buffer[written++] = (byte)(sample & 0xFF);
                buffer[written++] = (byte)((sample >> 8) & 0xFF);
                _position += 2;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static byte[] Header(long dataBytes)
        {
            var header = new byte[44];
            var span = header.AsSpan();
            "RIFF"u8.CopyTo(span);
            BitConverter.TryWriteBytes(span[4..], (uint)(36 + dataBytes));
            "WAVEfmt "u8.CopyTo(span[8..]);
            BitConverter.TryWriteBytes(span[16..], 16u);
            BitConverter.TryWriteBytes(span[20..], (ushort)1);
            BitConverter.TryWriteBytes(span[22..], (ushort)1);
            BitConverter.TryWriteBytes(span[24..], 16000u);
            BitConverter.TryWriteBytes(span[28..], 32000u);
            BitConverter.TryWriteBytes(span[32..], (ushort)2);
            BitConverter.TryWriteBytes(span[34..], (ushort)16);
            "data"u8.CopyTo(span[36..]);
            BitConverter.TryWriteBytes(span[40..], (uint)dataBytes);
            return header;
        }
    }
}
