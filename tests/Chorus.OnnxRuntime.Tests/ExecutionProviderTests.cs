namespace Chorus.OnnxRuntime.Tests;

[TestFixture]
[Category("Integration")]
public sealed class ExecutionProviderTests
{
    [TestCase("cpu", "CPU", 0)]
    [TestCase("CUDA:1", "CUDA", 1)]
    [TestCase("dml", "DirectML", 0)]
    [TestCase("DirectML:2", "DirectML", 2)]
    [TestCase("CUDAExecutionProvider", "CUDA", 0)]
    [TestCase("xnnpack", "XNNPACK", 0)]
    public void Provider_names_parse(string text, string name, int device)
    {
        var provider = ExecutionProvider.Parse(text);

        Assert.That(provider.Name, Is.EqualTo(name));
        Assert.That(provider.DeviceId, Is.EqualTo(device));
    }

    [Test]
    public void Unknown_provider_name_lists_the_known_ones()
    {
        Assert.That(() => ExecutionProvider.Parse("tpu"),
            Throws.TypeOf<ExecutionProviderException>().With.Message.StartsWith("Unknown execution provider 'tpu'. Known providers: CPU, CUDA, DirectML"));
        Assert.That(() => ExecutionProvider.Parse("cuda:x"),
            Throws.TypeOf<ExecutionProviderException>().With.Message.Contains("non-negative integer"));
    }

    [Test]
    public void DirectML_on_Linux_falls_back_to_cpu_and_records_why()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("DirectML can be present on Windows; this test is about other systems.");
        }

        var options = new SessionOptions();
        options.ExecutionProviders.Add(ExecutionProvider.DirectML());
        options.ExecutionProviders.Add(ExecutionProvider.Cpu);
        using var session = InferenceSession.Create(TestModels.Mlp, options);

        Assert.That(session.ExecutionProvider, Is.EqualTo("CPU"));
        Assert.That(session.ProviderAttempts, Has.Count.EqualTo(2));
        Assert.That(session.ProviderAttempts[0].Registered, Is.False);
        Assert.That(session.ProviderAttempts[0].Reason, Does.StartWith("DirectML runs on Windows only"));
        Assert.That(session.ProviderAttempts[1], Is.EqualTo(new ExecutionProviderAttempt("CPU", true, null)));
        using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);
        using var logits = session.Run([input])[0];
        Assert.That(logits.GetTensorData<float>().ToArray(), Is.EqualTo(TestModels.MlpExpectedBatch3()).Within(1e-5));
    }

    [Test]
    public void DirectML_on_Linux_in_strict_mode_fails_with_the_reason()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("DirectML can be present on Windows; this test is about other systems.");
        }

        var options = new SessionOptions { StrictExecutionProviders = true };
        options.ExecutionProviders.Add(ExecutionProvider.DirectML());

        Assert.That(() => InferenceSession.Create(TestModels.Mlp, options),
            Throws.TypeOf<ExecutionProviderException>()
                .With.Message.Contains("model 'mlp_64_32_10.onnx': execution provider DirectML:0 is required (strict mode)")
                .And.Message.Contains("Windows only"));
    }

    [Test]
    public void Cuda_without_its_libraries_is_skipped_with_onnx_runtimes_reason()
    {
        var options = new SessionOptions();
        options.ExecutionProviders.Add(ExecutionProvider.Cuda());
        using var session = InferenceSession.Create(TestModels.Mlp, options);

        if (session.ExecutionProvider == "CUDA")
        {
            Assert.Pass("This machine has CUDA; the fallback path is not exercised here.");
        }

        Assert.That(session.ExecutionProvider, Is.EqualTo("CPU"));
        Assert.That(session.ProviderAttempts[0].Registered, Is.False);
        Assert.That(session.ProviderAttempts[0].Reason, Is.Not.Empty);
        Assert.That(session.ProviderAttempts[^1].Provider, Is.EqualTo("CPU"));
    }

    [Test]
    public void Provider_missing_from_the_build_is_skipped()
    {
        var options = new SessionOptions();
        options.ExecutionProviders.Add(ExecutionProvider.Parse("CoreML"));
        using var session = InferenceSession.Create(TestModels.Mlp, options);

        Assert.That(session.ExecutionProvider, Is.EqualTo("CPU"));
        Assert.That(session.ProviderAttempts[0].Reason, Does.StartWith("CoreMLExecutionProvider is not in this ONNX Runtime build (1.30.0"));
    }
}
