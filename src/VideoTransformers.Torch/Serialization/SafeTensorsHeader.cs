namespace VideoTransformers.Torch.Serialization;

/// <summary>The validated header of a safetensors file.</summary>
/// <param name="Tensors">The tensors in the order of their data (ascending offsets).</param>
/// <param name="Metadata">The <c>__metadata__</c> map, empty when the file has none.</param>
/// <param name="DataStart">Absolute file offset of the data buffer (8 + header length).</param>
/// <param name="DataLength">Length of the data buffer, which the tensors cover exactly.</param>
public sealed record SafeTensorsHeader(
    IReadOnlyList<SafeTensorInfo> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart,
    long DataLength);
