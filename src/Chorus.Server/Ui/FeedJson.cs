using System.Text.Json;

namespace Chorus.Server.Ui;

/// <summary>Writes feed events as the JSON documented in docs/visualizer.md (camelCase; NaN and missing values as null).</summary>
internal static class FeedJson
{
    public static string EventName(FeedEventKind kind) => kind switch
    {
        FeedEventKind.Snapshot => "snapshot",
        FeedEventKind.Sample => "sample",
        _ => "status",
    };

    public static void Write(Utf8JsonWriter writer, FeedEvent item)
    {
        writer.WriteStartObject();
        writer.WriteString("type", EventName(item.Kind));
        writer.WriteNumber("seq", item.Sequence);
        writer.WritePropertyName("status");
        WriteStatus(writer, item.Status);
        if (item.Snapshot is { } snapshot)
        {
            writer.WriteStartArray("sources");
            foreach (var source in snapshot.Sources)
            {
                writer.WriteStartObject();
                writer.WriteString("name", source.Name);
                writer.WriteString("ensemble", source.Ensemble);
                writer.WriteNumber("samples", source.Samples);
                writer.WriteString("strategy", source.Strategy);
                WriteStrings(writer, "labels", source.Labels);
                WriteStrings(writer, "members", source.Members);
                writer.WriteString("kind", source.Kind);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("windowSize", snapshot.WindowSize);
            writer.WriteNumber("viewers", snapshot.Viewers);
            writer.WriteStartObject("latencies");
            foreach (var (member, values) in snapshot.Latencies)
            {
                WriteNumbers(writer, member, values);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("probabilities");
            foreach (var (member, values) in snapshot.Probabilities)
            {
                WriteNumbers(writer, member, values);
            }

            writer.WriteEndObject();
        }

        if (item.Kind != FeedEventKind.Status)
        {
            writer.WritePropertyName("sample");
            if (item.Speech is { } speech)
            {
                WriteSpeech(writer, speech);
            }
            else if (item.Sample is { } sample)
            {
                WriteSample(writer, sample);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();
    }

    public static void WriteStatus(Utf8JsonWriter writer, FeedStatus status)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("running", status.Running);
        WriteStringOrNull(writer, "source", status.Source);
        writer.WriteNumber("rate", status.Rate);
        writer.WriteString("reason", status.Reason);
        writer.WriteEndObject();
    }

    private static void WriteSample(Utf8JsonWriter writer, FeedSample sample)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "classification");
        writer.WriteString("source", sample.Source);
        writer.WriteString("ensemble", sample.Ensemble);
        writer.WriteNumber("row", sample.Row);
        writer.WriteString("trueLabel", sample.TrueLabel);
        WriteStringOrNull(writer, "decision", sample.Decision);
        writer.WriteBoolean("correct", sample.Correct);
        WriteStrings(writer, "labels", sample.Labels);
        WriteNumbers(writer, "scores", sample.Scores);
        writer.WriteNumber("agreement", sample.Agreement);
        writer.WriteNumber("agreeing", sample.Agreeing);
        writer.WriteNumber("answering", sample.Answering);
        writer.WriteString("strategy", sample.Strategy);
        writer.WriteBoolean("degraded", sample.Degraded);
        WriteStringOrNull(writer, "error", sample.Error);
        writer.WriteStartArray("members");
        foreach (var member in sample.Members)
        {
            writer.WriteStartObject();
            writer.WriteString("id", member.Id);
            WriteNumbers(writer, "scores", member.Scores);
            WriteStringOrNull(writer, "top", member.Top);
            writer.WriteNumber("latencyMs", Math.Round(member.LatencyMs, 3));
            WriteStringOrNull(writer, "error", member.Error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("image");
        if (sample.Image is { } image)
        {
            writer.WriteStartObject();
            writer.WriteNumber("width", image.Width);
            writer.WriteNumber("height", image.Height);
            writer.WriteNumber("max", image.Max);
            writer.WriteStartArray("pixels");
            foreach (var pixel in image.Pixels.Span)
            {
                writer.WriteNumberValue(pixel);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNullValue();
        }

        var totals = sample.Totals;
        writer.WriteStartObject("totals");
        writer.WriteNumber("seen", totals.Seen);
        writer.WriteNumber("correct", totals.Correct);
        writer.WriteNumber("accuracy", totals.Accuracy);
        writer.WriteNumber("disagreements", totals.Disagreements);
        writer.WriteNumber("disagreementRate", totals.DisagreementRate);
        writer.WriteNumber("failures", totals.Failures);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteSpeech(Utf8JsonWriter writer, SpeechFeedSample sample)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "speech");
        writer.WriteString("source", sample.Source);
        writer.WriteString("ensemble", sample.Ensemble);
        writer.WriteNumber("row", sample.FileIndex);
        writer.WriteString("file", sample.File);
        writer.WriteString("condition", sample.Condition);
        writer.WriteNumber("chunk", sample.Chunk);
        writer.WriteNumber("startSeconds", Math.Round(sample.StartSeconds, 6));
        writer.WriteNumber("endSeconds", Math.Round(sample.EndSeconds, 6));
        writer.WriteNumber("fileSeconds", Math.Round(sample.FileSeconds, 6));
        writer.WriteBoolean("last", sample.Last);
        writer.WriteNumber("threshold", sample.Threshold);
        WriteNumberOrNull(writer, "probability", sample.Probability);
        WriteStringOrNull(writer, "decision", sample.Decision);
        WriteStringOrNull(writer, "trueLabel", sample.TrueLabel);
        writer.WriteBoolean("correct", sample.Decision is not null && sample.Decision == sample.TrueLabel);
        writer.WriteNumber("agreeing", sample.Agreeing);
        writer.WriteNumber("answering", sample.Answering);
        writer.WriteBoolean("degraded", sample.Degraded);
        WriteStringOrNull(writer, "error", sample.Error);
        writer.WriteStartArray("frames");
        foreach (var frame in sample.Frames)
        {
            writer.WriteStartObject();
            writer.WriteNumber("start", Math.Round(frame.StartSeconds, 6));
            writer.WriteNumber("duration", Math.Round(frame.DurationSeconds, 6));
            writer.WriteNumber("probability", frame.Probability);
            writer.WriteBoolean("speech", frame.Speech);
            writer.WriteBoolean("truth", frame.Truth);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("members");
        foreach (var member in sample.Members)
        {
            writer.WriteStartObject();
            writer.WriteString("id", member.Id);
            WriteNumberOrNull(writer, "probability", member.Probability);
            WriteStringOrNull(writer, "decision", member.Probability is { } p ? SpeechFeedSample.Label(p >= sample.Threshold) : null);
            WriteNumbers(writer, "frames", member.Frames);
            writer.WriteNumber("latencyMs", Math.Round(member.LatencyMs, 3));
            WriteStringOrNull(writer, "error", member.Error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        var totals = sample.Totals;
        writer.WriteStartObject("totals");
        writer.WriteNumber("chunks", totals.Chunks);
        writer.WriteNumber("files", totals.Files);
        writer.WriteNumber("frames", totals.Frames);
        writer.WriteNumber("correct", totals.Correct);
        writer.WriteNumber("accuracy", totals.Accuracy);
        writer.WriteNumber("truePositives", totals.TruePositives);
        writer.WriteNumber("falsePositives", totals.FalsePositives);
        writer.WriteNumber("falseNegatives", totals.FalseNegatives);
        writer.WriteNumber("precision", totals.Precision);
        writer.WriteNumber("recall", totals.Recall);
        writer.WriteNumber("f1", totals.F1);
        writer.WriteNumber("failures", totals.Failures);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IReadOnlyList<double>? values)
    {
        if (values is null)
        {
            writer.WriteNull(name);
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
