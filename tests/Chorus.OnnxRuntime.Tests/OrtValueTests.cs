namespace Chorus.OnnxRuntime.Tests;

[TestFixture]
[Category("Integration")]
public sealed class OrtValueTests
{
    private static InferenceSession s_identity = null!;

    [OneTimeSetUp]
    public static void Load() => s_identity = InferenceSession.Create(TestModels.AllTypes);

    [OneTimeTearDown]
    public static void Unload() => s_identity.Dispose();

    private static void AssertRoundTrip<T>(string type, T[] values)
        where T : unmanaged
    {
        using var input = OrtValue.CreateTensor(values, [2, 3]);
        var outputs = new OrtValue?[1];
        s_identity.Run(AllInputNames(type, input, out var others), others, [$"out_{type}"], outputs);
        try
        {
            using var output = outputs[0]!;
            Assert.That(output.ElementType, Is.EqualTo(OrtValue.ElementTypeOf<T>()));
            Assert.That(output.Shape.ToArray(), Is.EqualTo(new long[] { 2, 3 }));
            Assert.That(output.GetTensorData<T>().ToArray(), Is.EqualTo(values));
        }
        finally
        {
            foreach (var other in others.Where(o => o != input))
            {
                other.Dispose();
            }
        }
    }

    // The identity model needs every input; the one under test is real, the others are zeros.
    private static string[] AllInputNames(string type, OrtValue value, out OrtValue[] inputs)
    {
        var names = s_identity.Inputs.Select(i => i.Name).ToArray();
        inputs = s_identity.Inputs.Select(i => i.Name == $"in_{type}"
            ? value
            : i.ElementType == TensorElementType.String
                ? OrtValue.CreateStringTensor(["", "", "", "", "", ""], [2, 3])
                : OrtValue.CreateTensor(i.ElementType, new byte[TensorElementTypeInfo.ByteLength(i.ElementType, 6)], [2, 3])).ToArray();
        return names;
    }

    [Test] public void Float_round_trips() => AssertRoundTrip("float", new[] { 1.5f, -2f, float.MaxValue, float.Epsilon, 0f, -0.25f });
    [Test] public void Double_round_trips() => AssertRoundTrip("double", new[] { 1.5, -2, double.MaxValue, double.Epsilon, 0, Math.PI });
    [Test] public void Int8_round_trips() => AssertRoundTrip("int8", new sbyte[] { -128, 127, 0, 1, -1, 5 });
    [Test] public void UInt8_round_trips() => AssertRoundTrip("uint8", new byte[] { 0, 255, 1, 2, 3, 4 });
    [Test] public void Int16_round_trips() => AssertRoundTrip("int16", new short[] { short.MinValue, short.MaxValue, 0, 1, -1, 7 });
    [Test] public void UInt16_round_trips() => AssertRoundTrip("uint16", new ushort[] { 0, ushort.MaxValue, 1, 2, 3, 4 });
    [Test] public void Int32_round_trips() => AssertRoundTrip("int32", new[] { int.MinValue, int.MaxValue, 0, 1, -1, 42 });
    [Test] public void UInt32_round_trips() => AssertRoundTrip("uint32", new[] { 0u, uint.MaxValue, 1u, 2u, 3u, 4u });
    [Test] public void Int64_round_trips() => AssertRoundTrip("int64", new[] { long.MinValue, long.MaxValue, 0L, 1L, -1L, 9L });
    [Test] public void UInt64_round_trips() => AssertRoundTrip("uint64", new[] { 0UL, ulong.MaxValue, 1UL, 2UL, 3UL, 4UL });
    [Test] public void Bool_round_trips() => AssertRoundTrip("bool", new[] { true, false, true, true, false, false });
    [Test] public void Float16_round_trips() => AssertRoundTrip("float16", new[] { (Half)1.5, (Half)(-2), Half.MaxValue, Half.Epsilon, (Half)0, (Half)0.25 });

    [Test]
    public void BFloat16_round_trips_as_raw_bytes()
    {
        // bfloat16 1.0 = 0x3F80, -2.0 = 0xC000, 0.5 = 0x3F00 (upper halves of the float32 bit patterns).
        var bytes = new byte[] { 0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F, 0, 0, 0x80, 0x3F, 0x00, 0xC0 };
        using var input = OrtValue.CreateTensor(TensorElementType.BFloat16, bytes.AsMemory(), [2, 3]);
        var outputs = new OrtValue?[1];
        s_identity.Run(AllInputNames("bfloat16", input, out var others), others, ["out_bfloat16"], outputs);
        using var output = outputs[0]!;
        foreach (var other in others.Where(o => o != input))
        {
            other.Dispose();
        }

        Assert.That(output.ElementType, Is.EqualTo(TensorElementType.BFloat16));
        Assert.That(output.GetTensorBytes().ToArray(), Is.EqualTo(bytes));
    }

    [Test]
    public void Strings_round_trip_in_utf8()
    {
        var text = new[] { "hello", "", "grüße", "日本語", "emoji 🎵", "tab\tnew\nline" };
        using var input = OrtValue.CreateStringTensor(text, [2, 3]);
        var outputs = new OrtValue?[1];
        s_identity.Run(AllInputNames("string", input, out var others), others, ["out_string"], outputs);
        using var output = outputs[0]!;
        foreach (var other in others.Where(o => o != input))
        {
            other.Dispose();
        }

        Assert.That(output.ElementType, Is.EqualTo(TensorElementType.String));
        Assert.That(output.GetStrings(), Is.EqualTo(text));
    }

    [Test]
    public void Shape_that_does_not_match_the_data_is_rejected()
    {
        Assert.That(() => OrtValue.CreateTensor(new float[5], [2, 3]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("holds 6 elements, but the data has 5"));
        Assert.That(() => OrtValue.CreateTensor(new float[6], [2, -3]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("negative dimension"));
        Assert.That(() => OrtValue.CreateTensor(TensorElementType.Double, new byte[7].AsMemory(), [1]),
            Throws.TypeOf<InvalidInputException>().With.Message.Contains("needs 8 bytes, but 7 were given"));
    }

    [Test]
    public void Reading_as_the_wrong_type_is_refused()
    {
        using var value = OrtValue.CreateTensor(new[] { 1, 2, 3 }, [3]);

        Assert.That(() => value.GetTensorData<float>().Length,
            Throws.InvalidOperationException.With.Message.Contains("holds int32 elements"));
    }

    [Test]
    public void A_disposed_value_cannot_be_run()
    {
        using var session = InferenceSession.Create(TestModels.AddFixed);
        var a = OrtValue.CreateTensor(new float[6], [2, 3]);
        using var b = OrtValue.CreateTensor(new float[6], [2, 3]);
        a.Dispose();

        Assert.That(() => session.Run([a, b]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void A_disposed_output_can_no_longer_be_read()
    {
        using var session = InferenceSession.Create(TestModels.AddFixed);
        using var a = OrtValue.CreateTensor(new float[6], [2, 3]);
        var sum = session.Run([a, a])[0];
        Assert.That(sum.GetTensorData<float>().Length, Is.EqualTo(6));
        sum.Dispose();

        Assert.That(() => sum.GetTensorData<float>().Length, Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => sum.GetTensorBytes().Length, Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void Allocated_tensor_is_writable_and_runs()
    {
        using var session = InferenceSession.Create(TestModels.AddFixed);
        using var a = OrtValue.AllocateTensor(TensorElementType.Float, [2, 3]);
        a.GetTensorMutableData<float>().Fill(2.5f);

        using var sum = session.Run([a, a])[0];

        Assert.That(sum.GetTensorData<float>().ToArray(), Is.All.EqualTo(5f));
    }

    [Test]
    public void Sequence_holds_copies_of_its_tensors()
    {
        using var first = OrtValue.CreateTensor(new[] { 1f, 2f }, [2]);
        using var second = OrtValue.CreateTensor(new[] { 3f }, [1]);
        using var sequence = OrtValue.CreateSequence([first, second]);

        Assert.That(sequence.ValueType, Is.EqualTo(OnnxValueType.Sequence));
        Assert.That(sequence.Count, Is.EqualTo(2));
        using var element = sequence.GetElement(1);
        Assert.That(element.GetTensorData<float>().ToArray(), Is.EqualTo(new[] { 3f }));
    }
}
