namespace Chorus.Cli.Conformance;

/// <summary>What a <see cref="ValueProtoData"/> holds.</summary>
internal enum ValueProtoKind
{
    /// <summary>A single tensor (<c>TensorProto</c>).</summary>
    Tensor,

    /// <summary>A <c>SequenceProto</c> of zero or more values.</summary>
    Sequence,

    /// <summary>An <c>OptionalProto</c> without a value.</summary>
    OptionalEmpty,

    /// <summary>An <c>OptionalProto</c> holding one value.</summary>
    OptionalWithValue,
}
