namespace Chorus.Audio.Tests;

[TestFixture]
public sealed class SpeechLabelsTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "chorus-labels-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string Write(string text, string name = "speech.labels.txt")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Reads_Audacity_label_lines_with_and_without_labels()
    {
        // As Audacity exports them: start, end, label; a spectral-selection line starts with '\'; blank lines are skipped.
        var path = Write("0.500000\t1.250000\thello world\n\\\t100.0\t4000.0\n\n2\t3.5\n3.5\t4.000001\tagain\r\n");

        var segments = SpeechLabels.Read(path);

        Assert.That(segments, Is.EqualTo(new[] { (0.5, 1.25), (2.0, 3.5), (3.5, 4.000001) }));
    }

    [Test]
    public void An_empty_file_means_no_speech()
    {
        Assert.That(SpeechLabels.Read(Write(string.Empty)), Is.Empty);
    }

    [Test]
    public void A_byte_order_mark_is_skipped()
    {
        var path = Path.Combine(_directory, "bom.labels.txt");
        File.WriteAllText(path, "1\t2\tx\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.That(SpeechLabels.Read(path), Is.EqualTo(new[] { (1.0, 2.0) }));
    }

    [TestCase("1.0 2.0 speech\n", "line 1", "tabs")]
    [TestCase("0\t1\n1,5\t2\n", "line 2", "'1,5'")]
    [TestCase("abc\t2\n", "line 1", "start time 'abc'")]
    [TestCase("1\tNaN\n", "line 1", "end time 'NaN'")]
    [TestCase("-0.5\t1\n", "line 1", "at least 0")]
    [TestCase("2\t2\n", "line 1", "not after its start")]
    [TestCase("0\t1\n\n0.5\t2\n", "line 3", "overlaps the segment 0-1 s on line 1")]
    [TestCase("3\t4\n1\t2\n", "line 2", "out of order")]
    public void Bad_lines_raise_errors_naming_the_file_line_and_problem(string text, string line, string problem)
    {
        var path = Write(text);

        var error = Assert.Throws<AudioFormatException>(() => SpeechLabels.Read(path))!;

        Assert.That(error.Message, Does.Contain(path));
        Assert.That(error.Message, Does.Contain(line));
        Assert.That(error.Message, Does.Contain(problem));
        Assert.That(error.SourceName, Is.EqualTo(path));
    }

    [Test]
    public void Touching_segments_are_allowed()
    {
        Assert.That(SpeechLabels.Read(Write("0\t1\n1\t2\n")), Has.Count.EqualTo(2));
    }

    [Test]
    public void A_missing_file_raises_FileNotFoundException()
    {
        Assert.That(() => SpeechLabels.Read(Path.Combine(_directory, "absent.txt")), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public void A_text_reader_is_named_in_errors()
    {
        using var reader = new StringReader("x\n");

        Assert.That(() => SpeechLabels.Read(reader, "in-memory"), Throws.TypeOf<AudioFormatException>().With.Message.Contains("'in-memory', line 1"));
    }
}
