namespace Chorus.Cli.Conformance;

/// <summary>
/// A decoded test value: a tensor, a <c>SequenceProto</c> (of tensors, sequences or optionals)
/// or an <c>OptionalProto</c> (empty, or holding a tensor, sequence or optional).
/// </summary>
internal sealed class ValueProtoData
{
    /// <summary><c>SequenceProto.DataType</c> / <c>OptionalProto.DataType</c> numbers.</summary>
    public const int ElemTypeUndefined = 0;
    public const int ElemTypeTensor = 1;
    public const int ElemTypeSparseTensor = 2;
    public const int ElemTypeSequence = 3;
    public const int ElemTypeMap = 4;
    public const int ElemTypeOptional = 5;

    private ValueProtoData(ValueProtoKind kind, string name, int elemType, TensorProtoData? tensor,
        IReadOnlyList<ValueProtoData> elements, ValueProtoData? value)
    {
        Kind = kind;
        Name = name;
        ElemType = elemType;
        Tensor = tensor;
        Elements = elements;
        Value = value;
    }

    public ValueProtoKind Kind { get; }

    /// <summary>The proto's <c>name</c> field; empty when absent.</summary>
    public string Name { get; }

    /// <summary>
    /// For sequences and optionals: the proto's <c>elem_type</c> (see the <c>ElemType*</c> constants).
    /// For tensors: <see cref="ElemTypeTensor"/>.
    /// </summary>
    public int ElemType { get; }

    /// <summary>The tensor when <see cref="Kind"/> is <see cref="ValueProtoKind.Tensor"/>; otherwise null.</summary>
    public TensorProtoData? Tensor { get; }

    /// <summary>The elements of a sequence, in order; empty for other kinds.</summary>
    public IReadOnlyList<ValueProtoData> Elements { get; }

    /// <summary>The contained value when <see cref="Kind"/> is <see cref="ValueProtoKind.OptionalWithValue"/>.</summary>
    public ValueProtoData? Value { get; }

    public static ValueProtoData FromTensor(TensorProtoData tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new ValueProtoData(ValueProtoKind.Tensor, tensor.Name, ElemTypeTensor, tensor, [], null);
    }

    public static ValueProtoData Sequence(string name, int elemType, IReadOnlyList<ValueProtoData> elements)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(elements);
        return new ValueProtoData(ValueProtoKind.Sequence, name, elemType, null, elements, null);
    }

    public static ValueProtoData OptionalEmpty(string name, int elemType)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new ValueProtoData(ValueProtoKind.OptionalEmpty, name, elemType, null, [], null);
    }

    public static ValueProtoData OptionalWithValue(string name, int elemType, ValueProtoData value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return new ValueProtoData(ValueProtoKind.OptionalWithValue, name, elemType, null, [], value);
    }

    public override string ToString() => Kind switch
    {
        ValueProtoKind.Tensor => Tensor!.ToString(),
        ValueProtoKind.Sequence => $"SequenceProto '{Name}' of {Elements.Count} element(s)",
        ValueProtoKind.OptionalEmpty => $"OptionalProto '{Name}' (empty)",
        _ => $"OptionalProto '{Name}' holding {Value}",
    };
}
