using System.Security.Cryptography;
using System.Text.Json;
using Chorus.Cli.Conformance;

namespace Chorus.Cli.Tests;

/// <summary>
/// Tests for <see cref="TensorProtoReader"/> against files written by
/// <c>Data/tensorproto/make_tensorprotos.py</c> (onnx + numpy) and recorded in <c>expected.json</c>.
/// </summary>
[TestFixture]
public sealed class TensorProtoReaderTests
{
    private static readonly Lazy<JsonDocument> s_expected = new(LoadExpected);

    private static readonly Action<byte[]>[] s_parsers =
    [
        b => TensorProtoReader.ParseTensor(b),
        b => TensorProtoReader.ParseSequence(b),
        b => TensorProtoReader.ParseOptional(b),
    ];

    private static string DataDirectory =>
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "tensorproto");

    private static JsonElement Expected => s_expected.Value.RootElement;

    public static IEnumerable<TestCaseData> GeneratedCases() =>
        Expected.GetProperty("cases").EnumerateArray()
            .Select(c => new TestCaseData(c.GetProperty("file").GetString()!).SetArgDisplayNames(c.GetProperty("file").GetString()!));

    public static IEnumerable<TestCaseData> ErrorCases() =>
        Expected.GetProperty("errors").EnumerateArray()
            .Select(c => new TestCaseData(c.GetProperty("file").GetString()!).SetArgDisplayNames(c.GetProperty("file").GetString()!));

    public static IEnumerable<TestCaseData> RealFileCases() =>
        Expected.GetProperty("libonnx_testdata").EnumerateArray()
            .Select(c => new TestCaseData(c.GetProperty("path").GetString()!).SetArgDisplayNames(c.GetProperty("path").GetString()!));

    [TestCaseSource(nameof(GeneratedCases))]
    public void GeneratedFile_ParsesToNumpyExpectation(string file)
    {
        var expected = FindEntry("cases", "file", file);
        var path = Path.Combine(DataDirectory, file);
        var actual = ReadByKind(path, expected.GetProperty("kind").GetString()!);

        AssertValue(actual, expected, file);
    }

    [TestCaseSource(nameof(ErrorCases))]
    public void InvalidFile_ThrowsInvalidDataExceptionNamingTheProblemAndFile(string file)
    {
        var expected = FindEntry("errors", "file", file);
        var path = Path.Combine(DataDirectory, file);
        var kind = expected.GetProperty("kind").GetString()!;

        var ex = Assert.Throws<InvalidDataException>(() => ReadByKind(path, kind));

        Assert.That(ex!.Message, Does.Contain(expected.GetProperty("message_contains").GetString()!));
        Assert.That(ex.Message, Does.Contain(path));
    }

    [TestCaseSource(nameof(RealFileCases))]
    public void ConformanceFile_MatchesOnnxPython(string relativePath)
    {
        var root = Expected.GetProperty("libonnx_testdata_root").GetString()!;
        if (!Directory.Exists(root))
        {
            Assert.Ignore($"ONNX backend test data (Debian package libonnx-testdata) is not installed at {root}.");
        }

        var expected = FindEntry("libonnx_testdata", "path", relativePath);
        var path = Path.Combine(root, relativePath);
        switch (expected.GetProperty("kind").GetString())
        {
            case "tensor":
                AssertRealTensor(TensorProtoReader.ReadTensorFile(path), expected);
                break;
            case "sequence":
                AssertRealSequence(TensorProtoReader.ReadSequenceFile(path), expected);
                break;
            default:
                AssertRealOptional(TensorProtoReader.ReadOptionalFile(path), expected);
                break;
        }
    }

    [Test]
    public void EveryProperPrefixOfARawTensor_ThrowsInvalidDataException()
    {
        // from_array writes dims, data_type, name and then raw_data last, so no proper prefix is a valid tensor.
        var bytes = File.ReadAllBytes(Path.Combine(DataDirectory, "float_raw.pb"));
        Assert.That(TensorProtoReader.ParseTensor(bytes).ElementCount, Is.EqualTo(24));

        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            Assert.That(() => TensorProtoReader.ParseTensor(prefix), Throws.TypeOf<InvalidDataException>(),
                $"prefix of {length} byte(s)");
        }
    }

    [Test]
    public void TruncatedInsideRawData_ReportsTheFieldAndOffset()
    {
        var bytes = File.ReadAllBytes(Path.Combine(DataDirectory, "float_raw.pb"));

        var ex = Assert.Throws<InvalidDataException>(() => TensorProtoReader.ParseTensor(bytes.AsSpan(0, bytes.Length - 5)));

        Assert.That(ex!.Message, Does.Contain("raw_data").And.Contain("byte offset").And.Contain("remain"));
    }

    [Test]
    public void TruncatedNestedTensor_ReportsAbsoluteOffset()
    {
        // A SequenceProto whose tensor_values entry is cut inside a varint: the offset must be absolute.
        byte[] tensor = [0x08, 0x02, 0x10, 0x07, 0x3A, 0x02, 0x01, 0x82];
        byte[] sequence = [0x0A, 0x01, 0x73, 0x10, 0x01, 0x1A, (byte)tensor.Length, .. tensor];

        var ex = Assert.Throws<InvalidDataException>(() => TensorProtoReader.ParseSequence(sequence));

        Assert.That(ex!.Message, Does.Contain("TensorProto").And.Contain("byte offset 14").And.Contain("truncated varint"));
    }

    [TestCase(new byte[] { 0xFF, 0xFF, 0xFF }, "truncated varint", TestName = "Garbage_TruncatedTag")]
    [TestCase(new byte[] { 0x0F }, "invalid wire type 7", TestName = "Garbage_InvalidWireType")]
    [TestCase(new byte[] { 0x00, 0x01 }, "invalid field number 0", TestName = "Garbage_FieldZero")]
    [TestCase(new byte[] { 0x4A, 0x7F, 0x01 }, "declares 127 byte(s)", TestName = "Garbage_LengthPastEnd")]
    [TestCase(new byte[] { 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "longer than 64 bits", TestName = "Garbage_OverlongVarint")]
    [TestCase(new byte[] { 0x7C }, "unexpected end-group", TestName = "Garbage_StrayEndGroup")]
    [TestCase(new byte[] { 0x7B, 0x08, 0x01 }, "not terminated", TestName = "Garbage_UnterminatedGroup")]
    [TestCase(new byte[] { 0x25, 0x00, 0x00, 0x80, 0x3F }, "data_type is missing", TestName = "Garbage_NoDataType")]
    [TestCase(new byte[] { 0x10, 0x01, 0x22, 0x03, 0x00, 0x00, 0x00 }, "not a multiple of 4", TestName = "Garbage_PackedFloatBadLength")]
    [TestCase(new byte[] { 0x10, 0x01, 0x20, 0x01 }, "float_data has wire type 0", TestName = "Garbage_FloatDataAsVarint")]
    [TestCase(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x10, 0x01 }, "dims[0] is negative", TestName = "Garbage_NegativeDim")]
    [TestCase(new byte[] { 0x10, 0x63 }, "unsupported data_type unknown(99)", TestName = "Garbage_UnknownDataType")]
    public void GarbageBytes_ThrowInvalidDataExceptionSayingWhat(byte[] bytes, string messagePart)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TensorProtoReader.ParseTensor(bytes));

        Assert.That(ex!.Message, Does.Contain(messagePart));
    }

    [Test]
    public void RandomGarbage_ThrowsInvalidDataException()
    {
        var random = new Random(12345);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 64)];
            random.NextBytes(bytes);
            Assert.That(() => TensorProtoReader.ParseTensor(bytes), Throws.TypeOf<InvalidDataException>(),
                $"garbage #{i}: {Convert.ToHexString(bytes)}");
        }
    }

    [Test]
    public void CorruptedFiles_EitherParseOrThrowInvalidDataException()
    {
        // Flip bytes in every generated file; the reader must never fail with anything but InvalidDataException.
        var random = new Random(4242);
        var files = Directory.GetFiles(DataDirectory, "*.pb");
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files)
        {
            var original = File.ReadAllBytes(file);
            for (var i = 0; i < 200 && original.Length > 0; i++)
            {
                var bytes = (byte[])original.Clone();
                var flips = random.Next(1, 4);
                for (var f = 0; f < flips; f++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                foreach (var parse in s_parsers)
                {
                    try
                    {
                        parse(bytes);
                    }
                    catch (InvalidDataException)
                    {
                        // Expected for most corruptions.
                    }
                    catch (Exception ex)
                    {
                        Assert.Fail($"{Path.GetFileName(file)} corrupted as {Convert.ToHexString(bytes)}: {ex}");
                    }
                }
            }
        }
    }

    [Test]
    public void DeeplyNestedOptionals_AreRejected()
    {
        byte[] bytes = [];
        for (var i = 0; i < 40; i++)
        {
            bytes = [0x10, 0x05, 0x3A, .. Varint((ulong)bytes.Length), .. bytes];
        }

        var ex = Assert.Throws<InvalidDataException>(() => TensorProtoReader.ParseOptional(bytes));

        Assert.That(ex!.Message, Does.Contain("nested deeper"));
    }

    [Test]
    public void EmptyOptionalBytes_IsAnEmptyOptional()
    {
        var value = TensorProtoReader.ParseOptional([]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value.Kind, Is.EqualTo(ValueProtoKind.OptionalEmpty));
            Assert.That(value.Value, Is.Null);
            Assert.That(value.ElemType, Is.EqualTo(ValueProtoData.ElemTypeUndefined));
        }
    }

    [Test]
    public void SequenceMixingElementFields_IsRejected()
    {
        // tensor_values (3) followed by sequence_values (5).
        byte[] tensor = [0x10, 0x01, 0x22, 0x04, 0x00, 0x00, 0x80, 0x3F];
        byte[] bytes = [0x1A, (byte)tensor.Length, .. tensor, 0x2A, 0x00];

        var ex = Assert.Throws<InvalidDataException>(() => TensorProtoReader.ParseSequence(bytes));

        Assert.That(ex!.Message, Does.Contain("mixes tensor_values"));
    }

    [Test]
    public void BoolInInt32Data_IsNormalizedToZeroOrOne()
    {
        // dims [3], data_type BOOL, int32_data packed [0, 1, 256].
        byte[] bytes = [0x08, 0x03, 0x10, 0x09, 0x2A, 0x04, 0x00, 0x01, 0x80, 0x02];

        var tensor = TensorProtoReader.ParseTensor(bytes);

        Assert.That(tensor.Data, Is.EqualTo(new byte[] { 0, 1, 1 }));
    }

    [TestCase(1, 4)]
    [TestCase(2, 1)]
    [TestCase(3, 1)]
    [TestCase(4, 2)]
    [TestCase(5, 2)]
    [TestCase(6, 4)]
    [TestCase(7, 8)]
    [TestCase(9, 1)]
    [TestCase(10, 2)]
    [TestCase(11, 8)]
    [TestCase(12, 4)]
    [TestCase(13, 8)]
    [TestCase(14, 8)]
    [TestCase(15, 16)]
    [TestCase(16, 2)]
    [TestCase(17, 1)]
    [TestCase(18, 1)]
    [TestCase(19, 1)]
    [TestCase(20, 1)]
    public void ElementSize_MatchesOnnxDataType(int dataType, int size)
    {
        Assert.That(TensorProtoReader.ElementSize(dataType), Is.EqualTo(size));
    }

    [TestCase(0)]
    [TestCase(8)]
    [TestCase(21)]
    [TestCase(-1)]
    public void ElementSize_ThrowsForStringUndefinedAndUnknown(int dataType)
    {
        Assert.That(() => TensorProtoReader.ElementSize(dataType), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    private static JsonDocument LoadExpected()
    {
        var path = Path.Combine(DataDirectory, "expected.json");
        return JsonDocument.Parse(File.ReadAllBytes(path));
    }

    private static JsonElement FindEntry(string list, string key, string value) =>
        Expected.GetProperty(list).EnumerateArray().Single(e => e.GetProperty(key).GetString() == value);

    private static ValueProtoData ReadByKind(string path, string kind) => kind switch
    {
        "tensor" => ValueProtoData.FromTensor(TensorProtoReader.ReadTensorFile(path)),
        "sequence" => TensorProtoReader.ReadSequenceFile(path),
        "optional" => TensorProtoReader.ReadOptionalFile(path),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind in expected.json"),
    };

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt64())];

    private static string[] StringArray(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static void AssertRealTensor(TensorProtoData tensor, JsonElement expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tensor.Name, Is.EqualTo(expected.GetProperty("name").GetString()));
            Assert.That(tensor.DataType, Is.EqualTo(expected.GetProperty("data_type").GetInt32()));
            Assert.That(tensor.Dims, Is.EqualTo(Longs(expected.GetProperty("dims"))));
            if (expected.TryGetProperty("strings_hex", out var strings))
            {
                Assert.That(tensor.Strings, Is.Not.Null);
                Assert.That(tensor.Strings!.Select(Convert.ToHexStringLower), Is.EqualTo(StringArray(strings)));
            }
            else
            {
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(tensor.Data)),
                    Is.EqualTo(expected.GetProperty("data_sha256").GetString()));
            }
        }
    }

    private static void AssertRealSequence(ValueProtoData sequence, JsonElement expected)
    {
        var dims = expected.GetProperty("element_dims").EnumerateArray().Select(Longs).ToArray();
        var types = expected.GetProperty("element_data_types").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sequence.Kind, Is.EqualTo(ValueProtoKind.Sequence));
            Assert.That(sequence.Name, Is.EqualTo(expected.GetProperty("name").GetString()));
            Assert.That(sequence.ElemType, Is.EqualTo(expected.GetProperty("elem_type").GetInt32()));
            Assert.That(sequence.Elements.Select(e => e.Tensor!.Dims), Is.EqualTo(dims));
            Assert.That(sequence.Elements.Select(e => e.Tensor!.DataType), Is.EqualTo(types));
        }
    }

    private static void AssertRealOptional(ValueProtoData optional, JsonElement expected)
    {
        var hasValue = expected.GetProperty("has_value").GetBoolean();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(optional.Kind, Is.EqualTo(hasValue ? ValueProtoKind.OptionalWithValue : ValueProtoKind.OptionalEmpty));
            Assert.That(optional.Name, Is.EqualTo(expected.GetProperty("name").GetString()));
            Assert.That(optional.ElemType, Is.EqualTo(expected.GetProperty("elem_type").GetInt32()));
        }
    }

    private static void AssertValue(ValueProtoData actual, JsonElement expected, string where)
    {
        var kind = expected.GetProperty("kind").GetString();
        Assert.That(actual.Name, Is.EqualTo(expected.GetProperty("name").GetString()), $"{where}: name");
        switch (kind)
        {
            case "tensor":
                Assert.That(actual.Kind, Is.EqualTo(ValueProtoKind.Tensor), where);
                AssertTensor(actual.Tensor!, expected, where);
                break;
            case "sequence":
                AssertSequence(actual, expected, where);
                break;
            case "optional":
                AssertOptional(actual, expected, where);
                break;
            default:
                Assert.Fail($"{where}: unknown kind '{kind}' in expected.json");
                break;
        }
    }

    private static void AssertSequence(ValueProtoData actual, JsonElement expected, string where)
    {
        Assert.That(actual.Kind, Is.EqualTo(ValueProtoKind.Sequence), where);
        Assert.That(actual.ElemType, Is.EqualTo(expected.GetProperty("elem_type").GetInt32()), $"{where}: elem_type");
        var elements = expected.GetProperty("elements").EnumerateArray().ToArray();
        Assert.That(actual.Elements, Has.Count.EqualTo(elements.Length), $"{where}: element count");
        for (var i = 0; i < elements.Length; i++)
        {
            AssertValue(actual.Elements[i], elements[i], $"{where}[{i}]");
        }
    }

    private static void AssertOptional(ValueProtoData actual, JsonElement expected, string where)
    {
        Assert.That(actual.ElemType, Is.EqualTo(expected.GetProperty("elem_type").GetInt32()), $"{where}: elem_type");
        var value = expected.GetProperty("value");
        if (value.ValueKind == JsonValueKind.Null)
        {
            Assert.That(actual.Kind, Is.EqualTo(ValueProtoKind.OptionalEmpty), where);
            Assert.That(actual.Value, Is.Null, where);
        }
        else
        {
            Assert.That(actual.Kind, Is.EqualTo(ValueProtoKind.OptionalWithValue), where);
            AssertValue(actual.Value!, value, $"{where}.value");
        }
    }

    private static void AssertTensor(TensorProtoData tensor, JsonElement expected, string where)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tensor.DataType, Is.EqualTo(expected.GetProperty("data_type").GetInt32()), $"{where}: data_type");
            Assert.That(tensor.Dims, Is.EqualTo(Longs(expected.GetProperty("dims"))), $"{where}: dims");
            Assert.That(tensor.ElementCount, Is.EqualTo(expected.GetProperty("element_count").GetInt64()), $"{where}: element count");
            Assert.That(Convert.ToHexStringLower(tensor.Data), Is.EqualTo(expected.GetProperty("data_hex").GetString()), $"{where}: data");
            var strings = expected.GetProperty("strings_hex");
            if (strings.ValueKind == JsonValueKind.Null)
            {
                Assert.That(tensor.Strings, Is.Null, $"{where}: strings");
            }
            else
            {
                Assert.That(tensor.Strings, Is.Not.Null, $"{where}: strings");
                Assert.That(tensor.Strings!.Select(Convert.ToHexStringLower), Is.EqualTo(StringArray(strings)), $"{where}: strings");
            }
        }
    }
}
