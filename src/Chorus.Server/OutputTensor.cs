namespace Chorus.Server;

/// <summary>One response output: FP32 values or BYTES strings, row-major in <see cref="Shape"/>.</summary>
internal sealed record OutputTensor(string Name, string Datatype, int[] Shape, float[]? Values, string[]? Strings);
