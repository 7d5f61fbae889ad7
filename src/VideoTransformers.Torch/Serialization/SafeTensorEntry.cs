namespace VideoTransformers.Torch.Serialization;

/// <summary>One tensor of a safetensors file: its name, dtype string, shape and raw little-endian C-order bytes.</summary>
/// <param name="Name">The tensor name (unique within a file; <c>__metadata__</c> is reserved).</param>
/// <param name="DType">A safetensors dtype string such as <c>F32</c>, <c>BF16</c> or <c>I64</c>.</param>
/// <param name="Shape">The dimensions; an empty shape is a scalar holding one element.</param>
/// <param name="Data">Exactly <c>product(Shape) × size(DType)</c> bytes.</param>
/// <remarks>Record equality compares <see cref="Shape"/> and <see cref="Data"/> by reference, not by content.</remarks>
public sealed record SafeTensorEntry(string Name, string DType, long[] Shape, ReadOnlyMemory<byte> Data);
