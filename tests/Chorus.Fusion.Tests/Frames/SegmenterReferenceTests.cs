using System.Text.Json;
using Chorus.Fusion.Frames;
using Chorus.Tests;

namespace Chorus.Fusion.Tests.Frames;

/// <summary>
/// The segmenter against tests/data/speech/segmenter_reference.json: 30 probability tracks (random walks, speech-like
/// blocks, values quantized onto the thresholds; 32 and 10 ms frames; five option sets) segmented by an independent
/// numpy implementation of the documented rules (make_segmenter_reference.py beside the JSON).
/// </summary>
[TestFixture]
public sealed class SegmenterReferenceTests
{
    private static readonly Lazy<JsonElement[]> s_cases = new(() =>
    {
        var path = Path.Combine(RepositoryRoot.Path, "tests", "data", "speech", "segmenter_reference.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    private static IEnumerable<int> CaseIndices() => Enumerable.Range(0, 30);

    [Test]
    public void The_reference_file_holds_the_expected_cases()
    {
        Assert.That(s_cases.Value, Has.Length.EqualTo(30));
        Assert.That(s_cases.Value.Sum(c => c.GetProperty("segments").GetArrayLength()), Is.GreaterThan(100));
    }

    [TestCaseSource(nameof(CaseIndices))]
    public void Segments_match_the_numpy_reference(int index)
    {
        var c = s_cases.Value[index];
        var hop = c.GetProperty("hop").GetDouble();
        var offset = c.GetProperty("offset");
        var options = new SpeechSegmenterOptions
        {
            Onset = (float)c.GetProperty("onset").GetDouble(),
            Offset = offset.ValueKind == JsonValueKind.Null ? null : (float)offset.GetDouble(),
            MinSpeechSeconds = c.GetProperty("min_speech").GetDouble(),
            MinSilenceSeconds = c.GetProperty("min_silence").GetDouble(),
            PadSeconds = c.GetProperty("pad").GetDouble(),
        };
        var frames = c.GetProperty("probabilities").EnumerateArray()
            .Select((p, i) => new FusedFrame(i * hop, hop, (float)p.GetDouble(), 1))
            .ToList();
        var expected = c.GetProperty("segments").EnumerateArray()
            .Select(s => (Start: s[0].GetDouble(), End: s[1].GetDouble(), Confidence: s[2].GetDouble()))
            .ToList();

        var actual = SpeechSegmenter.Segment(frames, options);

        Assert.That(actual, Has.Count.EqualTo(expected.Count), $"{c.GetProperty("kind").GetString()}: {string.Join(", ", actual)}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.That(actual[i].StartSeconds, Is.EqualTo(expected[i].Start).Within(1e-9), $"segment {i} start");
            Assert.That(actual[i].EndSeconds, Is.EqualTo(expected[i].End).Within(1e-9), $"segment {i} end");
            Assert.That(actual[i].Confidence, Is.EqualTo(expected[i].Confidence).Within(1e-6), $"segment {i} confidence");
        }
    }
}
