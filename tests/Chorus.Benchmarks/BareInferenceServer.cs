using System.Buffers;
using System.Text.Json;
using Chorus.OnnxRuntime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Benchmarks;

/// <summary>
/// <c>load-serve-bare</c> (started by <c>load</c> as a child process): the reference for the load driver. A minimal ASP.NET
/// Core endpoint, set up as ChorusServer sets up Kestrel, that parses the same v2 JSON request, scales the pixels as
/// plugins/digits-mlp/plugin.json says (× 0.0625), runs the MLP through Chorus.OnnxRuntime's <see cref="InferenceSession"/>
/// directly, and writes the same v2 JSON response. No plugin catalog, no metrics, no request limits beyond these checks.
/// </summary>
internal static class BareInferenceServer
{
    private const int SampleSize = 64;
    private const float Scale = 0.0625f;

    public static async Task<int> RunAsync(CommandLine line)
    {
        var modelPath = line.GetString("--model") ?? throw new BenchmarkException("load-serve-bare needs --model PATH (plugins/digits-mlp/model.onnx).", exitCode: 2);
        line.RejectUnknown();
        using var session = InferenceSession.Create(modelPath, new Chorus.OnnxRuntime.SessionOptions { ModelName = "digits-mlp" });
        var inputName = session.Inputs[0].Name;
        var outputName = session.Outputs[0].Name;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddRoutingCore();
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.UseRouting();
        app.MapPost("/v2/models/digits-mlp/infer", context => InferAsync(context, session, inputName, outputName));
        await app.StartAsync();
        return await LoadServerHost.ServeUntilStdinClosesAsync(app.Urls.First(), app.StopAsync);
    }

    private static async Task InferAsync(HttpContext context, InferenceSession session, string inputName, string outputName)
    {
        float[] pixels;
        int batch;
        using (var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted))
        {
            if (!TryRead(document.RootElement, out pixels, out batch, out var error))
            {
                context.Response.StatusCode = 400;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error }), context.RequestAborted);
                return;
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] *= Scale;
        }

        var body = new ArrayBufferWriter<byte>();
        using (var input = OrtValue.CreateTensor(pixels, [batch, SampleSize]))
        {
            var outputs = new OrtValue?[1];
            session.Run([inputName], [input], [outputName], outputs, context.RequestAborted);
            using var output = outputs[0]!;
            var scores = output.GetTensorData<float>();
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("model_name", "digits-mlp");
            writer.WriteString("model_version", "1.0.0");
            writer.WriteStartArray("outputs");
            writer.WriteStartObject();
            writer.WriteString("name", "scores");
            writer.WriteString("datatype", "FP32");
            writer.WriteStartArray("shape");
            writer.WriteNumberValue(batch);
            writer.WriteNumberValue(scores.Length / batch);
            writer.WriteEndArray();
            writer.WriteStartArray("data");
            foreach (var score in scores)
            {
                writer.WriteNumberValue(score);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.WrittenCount;
        await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    /// <summary>One FP32 input "pixels" of shape [N, 64] with N × 64 numbers in a flat <c>data</c> array.</summary>
    private static bool TryRead(JsonElement root, out float[] pixels, out int batch, out string error)
    {
        pixels = [];
        batch = 0;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array
            || inputs.GetArrayLength() != 1)
        {
            error = "the request needs 'inputs' with exactly one input.";
            return false;
        }

        var input = inputs[0];
        if (!input.TryGetProperty("name", out var name) || name.GetString() != "pixels"
            || !input.TryGetProperty("datatype", out var datatype) || datatype.GetString() != "FP32")
        {
            error = "the input must be named 'pixels' with datatype FP32.";
            return false;
        }

        if (!input.TryGetProperty("shape", out var shape) || shape.GetArrayLength() != 2 || !shape[0].TryGetInt32(out batch) || batch < 1
            || !shape[1].TryGetInt32(out var width) || width != SampleSize)
        {
            error = "the shape must be [N, 64].";
            return false;
        }

        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != batch * SampleSize)
        {
            error = $"'data' must hold {batch * SampleSize} numbers.";
            return false;
        }

        pixels = new float[batch * SampleSize];
        var index = 0;
        foreach (var value in data.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number || !float.IsFinite(pixels[index] = value.GetSingle()))
            {
                error = $"data[{index}] is not a finite number.";
                return false;
            }

            index++;
        }

        error = string.Empty;
        return true;
    }
}
