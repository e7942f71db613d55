using System.Globalization;
using Chorus.OnnxRuntime;

namespace Chorus.Cli.Conformance;

/// <summary>
/// Runs ONNX backend test cases (<c>model.onnx</c> + <c>test_data_set_*/input_N.pb</c>, <c>output_N.pb</c>) through
/// <see cref="InferenceSession"/> and compares the outputs as ONNX's own runner does.
/// </summary>
internal sealed class ConformanceRunner
{
    /// <summary>ONNX's backend test defaults (onnx/backend/test/runner).</summary>
    public const double DefaultRtol = 1e-3;
    public const double DefaultAtol = 1e-7;

    private readonly ConformanceExpectations _expectations;

    public ConformanceRunner(ConformanceExpectations expectations)
    {
        _expectations = expectations;
    }

    /// <summary>
    /// Finds the cases under <paramref name="root"/>: a data folder of suites (node, simple, ...), one suite folder, or one
    /// case folder. Returns (suite, case folder) pairs, suites and cases in ordinal order.
    /// </summary>
    public static IReadOnlyList<(string Suite, string CaseDirectory)> Discover(string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"'{root}' is not a folder. Give the ONNX backend test data folder (e.g. /usr/share/libonnx-testdata/data), a suite folder, or a case folder.");
        }

        if (File.Exists(Path.Combine(root, "model.onnx")))
        {
            return [(Path.GetFileName(Path.GetDirectoryName(root)!) ?? "cases", root)];
        }

        var cases = new List<(string, string)>();
        if (Directory.EnumerateDirectories(root).Any(d => File.Exists(Path.Combine(d, "model.onnx"))))
        {
            var suite = Path.GetFileName(root);
            cases.AddRange(CaseFolders(root).Select(d => (suite, d)));
            return cases;
        }

        foreach (var suiteDirectory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var suite = Path.GetFileName(suiteDirectory);
            cases.AddRange(CaseFolders(suiteDirectory).Select(d => (suite, d)));
        }

        return cases;
    }

    private static IEnumerable<string> CaseFolders(string suiteDirectory) =>
        Directory.EnumerateDirectories(suiteDirectory)
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .Order(StringComparer.Ordinal);

    public ConformanceCaseResult RunCase(string suite, string caseDirectory)
    {
        var caseName = Path.GetFileName(caseDirectory);
        var skip = _expectations.SkipReason(suite, caseName);
        if (skip is not null)
        {
            return new(suite, caseName, ConformanceOutcome.Skipped, skip);
        }

        var dataSets = Directory.EnumerateDirectories(caseDirectory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        if (dataSets.Count == 0)
        {
            return new(suite, caseName, ConformanceOutcome.Failed,
                "no test_data_set_* folder; list the case in the expectations file if it cannot be run");
        }

        var (rtol, atol) = _expectations.Tolerance(suite, caseName) ?? (DefaultRtol, DefaultAtol);
        try
        {
            using var session = InferenceSession.Create(Path.Combine(caseDirectory, "model.onnx"),
                new SessionOptions { ModelName = $"{suite}/{caseName}" });
            foreach (var dataSet in dataSets)
            {
                var problem = RunDataSet(session, dataSet, rtol, atol);
                if (problem is not null)
                {
                    return new(suite, caseName, ConformanceOutcome.Failed, $"{Path.GetFileName(dataSet)}: {problem}");
                }
            }

            return new(suite, caseName, ConformanceOutcome.Passed, null);
        }
        catch (Exception ex) when (ex is ChorusException or InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            return new(suite, caseName, ConformanceOutcome.Failed, ex.Message);
        }
    }

    private static string? RunDataSet(InferenceSession session, string dataSet, double rtol, double atol)
    {
        var inputFiles = NumberedFiles(dataSet, "input_");
        var outputFiles = NumberedFiles(dataSet, "output_");
        if (inputFiles.Count != session.Inputs.Count)
        {
            return $"{inputFiles.Count} input files for {session.Inputs.Count} model inputs";
        }

        if (outputFiles.Count != session.Outputs.Count)
        {
            return $"{outputFiles.Count} output files for {session.Outputs.Count} model outputs";
        }

        var owned = new List<OrtValue>();
        var inputs = new OrtValue[inputFiles.Count];
        var outputs = new OrtValue?[session.Outputs.Count];
        try
        {
            for (var i = 0; i < inputFiles.Count; i++)
            {
                var info = session.Inputs[i];
                var value = ReadValue(info, inputFiles[i]);
                if (value?.Kind == ValueProtoKind.Tensor && IsStoredAsUInt16(value.Tensor!, info.ElementType))
                {
                    value = ValueProtoData.FromTensor(WithDataType(value.Tensor!, info.ElementType));
                }

                if (value is null)
                {
                    return $"input '{info.Name}' is an empty optional, which the ONNX Runtime C API cannot construct";
                }

                inputs[i] = ToOrtValue(value, owned);
            }

            session.Run(inputs, outputs);
            for (var i = 0; i < outputs.Length; i++)
            {
                var expected = ReadValue(session.Outputs[i], outputFiles[i]);
                if (expected?.Kind == ValueProtoKind.Tensor && IsStoredAsUInt16(expected.Tensor!, session.Outputs[i].ElementType))
                {
                    expected = ValueProtoData.FromTensor(WithDataType(expected.Tensor!, session.Outputs[i].ElementType));
                }

                var problem = CompareValue(outputs[i]!, expected, rtol, atol, owned);
                if (problem is not null)
                {
                    return $"output '{session.Outputs[i].Name}': {problem}";
                }
            }

            return null;
        }
        finally
        {
            foreach (var value in owned)
            {
                value.Dispose();
            }

            foreach (var value in outputs)
            {
                value?.Dispose();
            }
        }
    }

    /// <summary>
    /// numpy has no bfloat16, so ONNX 1.12 stores bfloat16 test tensors as UINT16 bit patterns (ONNX Runtime's own C# test
    /// loader accepts UINT16 for FLOAT16 and BFLOAT16 for the same reason). Same bytes, the model's type.
    /// </summary>
    private static bool IsStoredAsUInt16(TensorProtoData tensor, TensorElementType modelType) =>
        tensor.DataType == (int)TensorElementType.UInt16 && modelType is TensorElementType.BFloat16 or TensorElementType.Float16;

    private static TensorProtoData WithDataType(TensorProtoData tensor, TensorElementType type) =>
        new(tensor.Name, tensor.Dims, (int)type, tensor.ElementCount, tensor.Data, tensor.Strings);

    private static List<string> NumberedFiles(string folder, string prefix)
    {
        var files = new List<string>();
        for (var i = 0; ; i++)
        {
            var path = Path.Combine(folder, prefix + i.ToString(CultureInfo.InvariantCulture) + ".pb");
            if (!File.Exists(path))
            {
                return files;
            }

            files.Add(path);
        }
    }

    /// <summary>Reads a .pb file as the proto the model's type calls for. Null stands for an empty optional.</summary>
    private static ValueProtoData? ReadValue(TensorInfo info, string path)
    {
        switch (info.ValueType)
        {
            case OnnxValueType.Tensor:
                return ValueProtoData.FromTensor(TensorProtoReader.ReadTensorFile(path));
            case OnnxValueType.Sequence:
                return TensorProtoReader.ReadSequenceFile(path);
            case OnnxValueType.Optional:
                var optional = TensorProtoReader.ReadOptionalFile(path);
                return optional.Kind == ValueProtoKind.OptionalEmpty ? null : optional.Value;
            default:
                throw new InvalidDataException($"'{info.Name}' is a {info.ValueType}, which the conformance runner does not read.");
        }
    }

    private static OrtValue ToOrtValue(ValueProtoData data, List<OrtValue> owned)
    {
        OrtValue value;
        switch (data.Kind)
        {
            case ValueProtoKind.Tensor:
                var tensor = data.Tensor!;
                value = tensor.IsString
                    ? OrtValue.CreateStringTensor(tensor.Strings!.Select(s => System.Text.Encoding.UTF8.GetString(s)).ToArray(), tensor.Dims)
                    : OrtValue.CreateTensor((TensorElementType)tensor.DataType, tensor.Data.AsMemory(), tensor.Dims);
                break;
            case ValueProtoKind.Sequence:
                var items = data.Elements.Select(e => ToOrtValue(e, owned)).ToArray();
                value = OrtValue.CreateSequence(items);
                break;
            case ValueProtoKind.OptionalWithValue:
                return ToOrtValue(data.Value!, owned);
            default:
                throw new InvalidDataException($"A {data.Kind} value cannot be given as an input here.");
        }

        owned.Add(value);
        return value;
    }

    private static string? CompareValue(OrtValue actual, ValueProtoData? expected, double rtol, double atol, List<OrtValue> owned)
    {
        if (expected is null)
        {
            return actual.ValueType == OnnxValueType.Optional && !actual.HasValue ? null : "expected an empty optional, got a value";
        }

        switch (expected.Kind)
        {
            case ValueProtoKind.Tensor:
                return TensorComparer.Compare(actual, expected.Tensor!, rtol, atol);
            case ValueProtoKind.Sequence:
                if (actual.ValueType != OnnxValueType.Sequence)
                {
                    return $"expected a sequence, got a {actual.ValueType}";
                }

                var count = actual.Count;
                if (count != expected.Elements.Count)
                {
                    return $"sequence of {count} elements, expected {expected.Elements.Count}";
                }

                for (var i = 0; i < count; i++)
                {
                    var element = actual.GetElement(i);
                    owned.Add(element);
                    var problem = CompareValue(element, expected.Elements[i], rtol, atol, owned);
                    if (problem is not null)
                    {
                        return $"sequence element {i}: {problem}";
                    }
                }

                return null;
            case ValueProtoKind.OptionalWithValue:
                return CompareValue(actual, expected.Value, rtol, atol, owned);
            case ValueProtoKind.OptionalEmpty:
                return actual.ValueType == OnnxValueType.Optional && !actual.HasValue ? null : "expected an empty optional, got a value";
            default:
                return $"cannot compare a {expected.Kind}";
        }
    }
}
