namespace Chorus.OnnxRuntime.Tests;

/// <summary>Every bad input gets a typed exception naming the model and the problem, and the next call still works.</summary>
[TestFixture]
[Category("Integration")]
public sealed class BadInputTests
{
    private InferenceSession _mlp = null!;
    private InferenceSession _add = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _mlp = InferenceSession.Create(TestModels.Mlp);
        _add = InferenceSession.Create(TestModels.AddFixed);
    }

    [OneTimeTearDown]
    public void Unload()
    {
        _mlp.Dispose();
        _add.Dispose();
    }

    [TearDown]
    public void The_sessions_still_work_after_the_error()
    {
        using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);
        using var logits = _mlp.Run([input])[0];
        Assert.That(logits.GetTensorData<float>().ToArray(), Is.EqualTo(TestModels.MlpExpectedBatch3()).Within(1e-5));
        using var a = OrtValue.CreateTensor(new float[] { 1, 1, 1, 1, 1, 1 }, [2, 3]);
        using var sum = _add.Run([a, a])[0];
        Assert.That(sum.GetTensorData<float>().ToArray(), Is.All.EqualTo(2f));
    }

    [Test]
    public void Missing_model_file()
    {
        var path = Path.Combine(TestModels.Directory, "no-such-model.onnx");

        Assert.That(() => InferenceSession.Create(path),
            Throws.TypeOf<ModelLoadException>()
                .With.Property(nameof(ModelLoadException.ErrorCode)).EqualTo(OrtErrorCode.NoSuchFile)
                .And.Property(nameof(ModelLoadException.ModelName)).EqualTo("no-such-model.onnx")
                .And.Message.Contains("does not exist"));
    }

    [Test]
    public void Truncated_model_file()
    {
        var bytes = File.ReadAllBytes(TestModels.Mlp);
        var path = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        try
        {
            Assert.That(() => InferenceSession.Create(path),
                Throws.TypeOf<ModelLoadException>()
                    .With.Message.Contains(Path.GetFileName(path)).And.Message.Contains("could not be loaded"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Garbage_model_bytes()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        Assert.That(() => InferenceSession.Create(garbage, new SessionOptions { ModelName = "garbage" }),
            Throws.TypeOf<ModelLoadException>().With.Message.StartsWith("model 'garbage' could not be loaded from memory"));
        Assert.That(() => InferenceSession.Create(ReadOnlyMemory<byte>.Empty, new SessionOptions { ModelName = "empty" }),
            Throws.TypeOf<ModelLoadException>().With.Message.Contains("model 'empty'").And.Message.Contains("empty"));
    }

    [Test]
    public void Unknown_input_name()
    {
        using var value = OrtValue.CreateTensor(new float[64], [1, 64]);
        var outputs = new OrtValue?[1];

        Assert.That(() => _mlp.Run(["pixels"], [value], ["logits"], outputs),
            Throws.TypeOf<InvalidInputException>().With.Message.EqualTo(
                "model 'mlp_64_32_10.onnx': there is no input named 'pixels'. The model's inputs are: 'x'."));
    }

    [Test]
    public void Wrong_element_type()
    {
        using var value = OrtValue.CreateTensor(new int[64], [1, 64]);

        Assert.That(() => _mlp.Run([value]),
            Throws.TypeOf<InvalidInputException>().With.Message.StartsWith(
                "model 'mlp_64_32_10.onnx': input 'x' expects float32[batch,64], got int32[1,64]"));
    }

    [Test]
    public void Wrong_rank()
    {
        using var value = OrtValue.CreateTensor(new float[64], [64]);

        Assert.That(() => _mlp.Run([value]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("expects float32[batch,64], got float32[64] (rank 1 instead of 2)"));
    }

    [Test]
    public void Wrong_fixed_dimension()
    {
        using var value = OrtValue.CreateTensor(new float[2 * 63], [2, 63]);

        Assert.That(() => _mlp.Run([value]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("dimension 1 is 63, the model fixes it at 64"));
    }

    [Test]
    public void Missing_input()
    {
        using var a = OrtValue.CreateTensor(new float[6], [2, 3]);
        var outputs = new OrtValue?[1];

        Assert.That(() => _add.Run(["a"], [a], ["sum"], outputs),
            Throws.TypeOf<InvalidInputException>().With.Message.EqualTo(
                "model 'add_fixed.onnx': missing input(s) 'b' (float32[2,3]). Every model input must be given."));
        Assert.That(() => _add.Run([a]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("1 input value(s) were given, but the model has 2"));
    }

    [Test]
    public void Caller_output_buffer_of_the_wrong_shape()
    {
        using var a = OrtValue.CreateTensor(new float[6], [2, 3]);
        using var wrong = OrtValue.CreateTensor(new float[4], [2, 2]);
        var outputs = new OrtValue?[] { wrong };

        Assert.That(() => _add.Run([a, a], outputs),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("output buffer 'sum' expects float32[2,3], got float32[2,2]"));
    }
}
