using System.Buffers.Binary;

namespace Chorus.Fusion;

/// <summary>
/// Writes a <see cref="StackingModel"/> as an ONNX ModelProto by hand (field numbers from onnx/onnx.proto3): graph
/// <c>features</c> float32[N, f] → Gemm(features, W, b, transB=1) → Softmax(axis=1) → <c>probabilities</c> float32[N, K],
/// with W (K × f) and b (K) as float32 initializers; IR version 7, default-domain opset 13.
/// </summary>
internal static class StackingOnnxExport
{
    private const long IrVersion = 7;
    private const long OpsetVersion = 13;
    private const int FloatType = 1;
    private const int AttributeFloat = 1;
    private const int AttributeInt = 2;

    public static byte[] Write(StackingModel model)
    {
        var k = model.ClassCount;
        var f = model.FeatureCount;
        var coefficients = new float[k * f];
        for (var i = 0; i < coefficients.Length; i++)
        {
            coefficients[i] = (float)model.Coefficients[i];
        }

        var intercepts = new float[k];
        for (var j = 0; j < k; j++)
        {
            intercepts[j] = (float)model.Intercepts[j];
        }

        var graph = new ProtobufWriter();

        // GraphProto.node = 1
        var gemm = Node("Gemm", "gemm", ["features", "coefficients", "intercepts"], "logits");
        gemm.WriteMessage(5, Attribute("alpha", AttributeFloat, floatValue: 1f));
        gemm.WriteMessage(5, Attribute("beta", AttributeFloat, floatValue: 1f));
        gemm.WriteMessage(5, Attribute("transA", AttributeInt, intValue: 0));
        gemm.WriteMessage(5, Attribute("transB", AttributeInt, intValue: 1));
        graph.WriteMessage(1, gemm);
        var softmax = Node("Softmax", "softmax", ["logits"], "probabilities");
        softmax.WriteMessage(5, Attribute("axis", AttributeInt, intValue: 1));
        graph.WriteMessage(1, softmax);

        graph.WriteString(2, "chorus_stacking"); // GraphProto.name
        graph.WriteMessage(5, Tensor("coefficients", [k, f], coefficients)); // GraphProto.initializer
        graph.WriteMessage(5, Tensor("intercepts", [k], intercepts));
        graph.WriteString(10, "Multinomial logistic regression over the members' aligned scores, member-major."); // doc_string
        graph.WriteMessage(11, ValueInfo("features", f)); // GraphProto.input
        graph.WriteMessage(12, ValueInfo("probabilities", k)); // GraphProto.output

        var modelProto = new ProtobufWriter();
        modelProto.WriteInt64(1, IrVersion); // ir_version
        modelProto.WriteString(2, "Chorus.Fusion"); // producer_name
        modelProto.WriteString(3, typeof(StackingOnnxExport).Assembly.GetName().Version?.ToString() ?? "0"); // producer_version
        modelProto.WriteString(4, "ai.chorus"); // domain
        modelProto.WriteInt64(5, StackingModelFormat.FormatVersion); // model_version
        modelProto.WriteMessage(7, graph); // graph
        var opset = new ProtobufWriter();
        opset.WriteString(1, string.Empty); // OperatorSetIdProto.domain ("" = ai.onnx)
        opset.WriteInt64(2, OpsetVersion); // OperatorSetIdProto.version
        modelProto.WriteMessage(8, opset); // opset_import
        AddMetadata(modelProto, "chorus.memberIds", string.Join('\n', model.MemberIds));
        AddMetadata(modelProto, "chorus.classLabels", string.Join('\n', model.ClassLabels));
        return modelProto.ToArray();
    }

    private static ProtobufWriter Node(string opType, string name, string[] inputs, string output)
    {
        var node = new ProtobufWriter();
        foreach (var input in inputs)
        {
            node.WriteString(1, input); // NodeProto.input
        }

        node.WriteString(2, output); // NodeProto.output
        node.WriteString(3, name); // NodeProto.name
        node.WriteString(4, opType); // NodeProto.op_type
        return node;
    }

    private static ProtobufWriter Attribute(string name, int type, float floatValue = 0, long intValue = 0)
    {
        var attribute = new ProtobufWriter();
        attribute.WriteString(1, name); // AttributeProto.name
        if (type == AttributeFloat)
        {
            attribute.WriteFloat(2, floatValue); // AttributeProto.f
        }
        else
        {
            attribute.WriteInt64(3, intValue); // AttributeProto.i
        }

        attribute.WriteInt64(20, type); // AttributeProto.type
        return attribute;
    }

    private static ProtobufWriter Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new ProtobufWriter();
        tensor.WritePackedInt64(1, dims); // TensorProto.dims
        tensor.WriteInt64(2, FloatType); // TensorProto.data_type
        tensor.WriteString(8, name); // TensorProto.name
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        tensor.WriteBytes(9, raw); // TensorProto.raw_data (little-endian by the ONNX spec)
        return tensor;
    }

    private static ProtobufWriter ValueInfo(string name, int width)
    {
        var batch = new ProtobufWriter();
        batch.WriteString(2, "N"); // Dimension.dim_param
        var fixedDim = new ProtobufWriter();
        fixedDim.WriteInt64(1, width); // Dimension.dim_value
        var shape = new ProtobufWriter();
        shape.WriteMessage(1, batch); // TensorShapeProto.dim
        shape.WriteMessage(1, fixedDim);
        var tensorType = new ProtobufWriter();
        tensorType.WriteInt64(1, FloatType); // TypeProto.Tensor.elem_type
        tensorType.WriteMessage(2, shape); // TypeProto.Tensor.shape
        var type = new ProtobufWriter();
        type.WriteMessage(1, tensorType); // TypeProto.tensor_type
        var valueInfo = new ProtobufWriter();
        valueInfo.WriteString(1, name); // ValueInfoProto.name
        valueInfo.WriteMessage(2, type); // ValueInfoProto.type
        return valueInfo;
    }

    private static void AddMetadata(ProtobufWriter modelProto, string key, string value)
    {
        var entry = new ProtobufWriter();
        entry.WriteString(1, key); // StringStringEntryProto.key
        entry.WriteString(2, value); // StringStringEntryProto.value
        modelProto.WriteMessage(14, entry); // ModelProto.metadata_props
    }
}
