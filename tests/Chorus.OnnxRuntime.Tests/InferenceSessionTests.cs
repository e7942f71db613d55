namespace Chorus.OnnxRuntime.Tests;

[TestFixture]
[Category("Integration")]
public sealed class InferenceSessionTests
{
    [Test]
    public void Metadata_lists_inputs_outputs_with_symbolic_dimensions_and_model_properties()
    {
        using var session = InferenceSession.Create(TestModels.Mlp);

        Assert.That(session.ModelName, Is.EqualTo("mlp_64_32_10.onnx"));
        Assert.That(session.Inputs, Has.Count.EqualTo(1));
        var x = session.Inputs[0];
        Assert.That(x.Name, Is.EqualTo("x"));
        Assert.That(x.ValueType, Is.EqualTo(OnnxValueType.Tensor));
        Assert.That(x.ElementType, Is.EqualTo(TensorElementType.Float));
        Assert.That(x.Shape, Is.EqualTo(new long[] { -1, 64 }));
        Assert.That(x.SymbolicDimensions, Is.EqualTo(new string?[] { "batch", null }));
        Assert.That(x.ToString(), Is.EqualTo("x: float32[batch,64]"));
        Assert.That(session.Outputs.Single().ToString(), Is.EqualTo("logits: float32[batch,10]"));

        // The values make_models.py wrote into the model.
        var metadata = session.Metadata;
        Assert.That(metadata.ProducerName, Is.EqualTo("chorus-tests"));
        Assert.That(metadata.GraphName, Is.EqualTo("mlp"));
        Assert.That(metadata.Domain, Is.EqualTo("ai.chorus.tests"));
        Assert.That(metadata.Description, Is.EqualTo("64-32-10 MLP for binding tests"));
        Assert.That(metadata.Version, Is.EqualTo(3));
        Assert.That(metadata.CustomMetadata, Is.EquivalentTo(new Dictionary<string, string> { ["author"] = "chorus", ["purpose"] = "benchmark" }));
    }

    [Test]
    public void Mlp_logits_match_numpy_on_the_stored_weights()
    {
        using var session = InferenceSession.Create(TestModels.Mlp);
        using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);

        var outputs = session.Run([input]);
        using var logits = outputs[0];

        Assert.That(logits.Shape.ToArray(), Is.EqualTo(new long[] { 3, 10 }));
        Assert.That(logits.GetTensorData<float>().ToArray(), Is.EqualTo(TestModels.MlpExpectedBatch3()).Within(1e-5));
    }

    [Test]
    public void Model_from_bytes_runs_like_the_file()
    {
        var bytes = File.ReadAllBytes(TestModels.Mlp);
        using var fromBytes = InferenceSession.Create(bytes, new SessionOptions { ModelName = "mlp-bytes" });
        using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);

        using var logits = fromBytes.Run([input])[0];

        Assert.That(fromBytes.ModelName, Is.EqualTo("mlp-bytes"));
        Assert.That(fromBytes.ModelPath, Is.Null);
        Assert.That(logits.GetTensorData<float>().ToArray(), Is.EqualTo(TestModels.MlpExpectedBatch3()).Within(1e-5));
    }

    [Test]
    public void Add_by_name_gives_the_hand_worked_sum()
    {
        using var session = InferenceSession.Create(TestModels.AddFixed);
        using var a = OrtValue.CreateTensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        using var b = OrtValue.CreateTensor(new float[] { 10, 20, 30, 40, 50, 60 }, [2, 3]);

        var outputs = session.Run(new Dictionary<string, OrtValue> { ["b"] = b, ["a"] = a });
        using var sum = outputs[0];

        Assert.That(sum.GetTensorData<float>().ToArray(), Is.EqualTo(new float[] { 11, 22, 33, 44, 55, 66 }));
    }

    [Test]
    public void Output_written_in_place_into_a_caller_buffer()
    {
        using var session = InferenceSession.Create(TestModels.AddFixed);
        var a = new float[] { 1, 2, 3, 4, 5, 6 };
        var b = new float[] { 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f };
        var result = new float[6];
        using var va = OrtValue.CreateTensor(a, [2, 3]);
        using var vb = OrtValue.CreateTensor(b, [2, 3]);
        using var output = OrtValue.CreateTensor(result, [2, 3]);
        var slots = new OrtValue?[] { output };

        session.Run([va, vb], slots);

        Assert.That(slots[0], Is.SameAs(output));
        Assert.That(result, Is.EqualTo(new float[] { 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f }));

        // The input wraps the array without a copy: change it and run again into the same buffer.
        a[0] = 100;
        session.Run([va, vb], slots);
        Assert.That(result[0], Is.EqualTo(100.5f));
    }

    [Test]
    public void Named_run_may_ask_for_a_subset_of_outputs_in_any_order()
    {
        using var session = InferenceSession.Create(TestModels.AllTypes);
        var names = session.Inputs.Select(i => i.Name).ToArray();
        var inputs = session.Inputs.Select(i => i.ElementType == TensorElementType.String
            ? OrtValue.CreateStringTensor(["a", "b", "c", "d", "e", "f"], [2, 3])
            : OrtValue.CreateTensor(i.ElementType, new byte[TensorElementTypeInfo.ByteLength(i.ElementType, 6)], [2, 3])).ToArray();
        var outputs = new OrtValue?[2];
        try
        {
            session.Run(names, inputs, ["out_string", "out_int64"], outputs);

            Assert.That(outputs[0]!.GetStrings(), Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f" }));
            Assert.That(outputs[1]!.GetTensorData<long>().ToArray(), Is.All.EqualTo(0L));
        }
        finally
        {
            foreach (var value in inputs.Concat(outputs))
            {
                value?.Dispose();
            }
        }
    }

    [Test]
    public void Concurrent_runs_on_one_session_give_the_sequential_results()
    {
        using var session = InferenceSession.Create(TestModels.Mlp);
        var expected = TestModels.MlpExpectedBatch3();
        var failures = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 200; i++)
            {
                using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);
                using var logits = session.Run([input])[0];
                var got = logits.GetTensorData<float>();
                for (var k = 0; k < expected.Length; k++)
                {
                    if (Math.Abs(got[k] - expected[k]) > 1e-5)
                    {
                        Interlocked.Increment(ref failures);
                        break;
                    }
                }
            }
        });

        Assert.That(failures, Is.Zero);
    }

    [Test]
    public void Session_options_are_applied_free_dimension_override_and_own_threads()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.Basic,
            UsePerSessionThreads = true,
            IntraOpThreads = 1,
            EnableCpuMemoryArena = false,
        };
        options.FreeDimensionOverrides["batch"] = 3;
        options.ConfigEntries["session.intra_op.allow_spinning"] = "0";
        using var session = InferenceSession.Create(TestModels.Mlp, options);
        using var input = OrtValue.CreateTensor(TestModels.MlpInput(3), [3, 64]);
        using var logits = session.Run([input])[0];
        Assert.That(logits.GetTensorData<float>().ToArray(), Is.EqualTo(TestModels.MlpExpectedBatch3()).Within(1e-5));

        // With batch pinned at 3, a batch of 2 no longer fits the model.
        using var two = OrtValue.CreateTensor(TestModels.MlpInput(2), [2, 64]);
        Assert.That(() => session.Run([two]), Throws.InstanceOf<OnnxRuntimeException>().With.Message.Contains("mlp_64_32_10.onnx"));
    }

    [Test]
    public void Conv_net_runs_at_batch_64()
    {
        using var session = InferenceSession.Create(TestModels.Conv);
        using var input = OrtValue.CreateTensor(new float[64 * 64], [64, 1, 8, 8]);
        using var logits = session.Run([input])[0];

        Assert.That(logits.Shape.ToArray(), Is.EqualTo(new long[] { 64, 10 }));
    }
}
