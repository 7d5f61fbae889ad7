namespace VideoTransformers.Torch.Serialization;

/// <summary>A tensor's header entry: where its bytes lie, without the bytes themselves.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="DType">A safetensors dtype string such as <c>F32</c>.</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Begin">Start of the tensor's bytes, relative to the start of the data buffer.</param>
/// <param name="End">End (exclusive) of the tensor's bytes, relative to the start of the data buffer.</param>
public sealed record SafeTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>The number of bytes the tensor occupies.</summary>
    public long ByteLength => End - Begin;
}
