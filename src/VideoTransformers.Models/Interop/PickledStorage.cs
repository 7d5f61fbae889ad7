using static TorchSharp.torch;

namespace VideoTransformers.Interop;

/// <summary>
/// A tensor storage that a <c>torch.save</c> pickle refers to by persistent id: its bytes are the zip entry
/// <c>data/&lt;Key&gt;</c>, not part of the pickle. Nothing is read until every reference has been checked.
/// </summary>
/// <param name="Key">The record name under <c>data/</c>.</param>
/// <param name="StorageType">The storage class, e.g. <c>FloatStorage</c>.</param>
/// <param name="DType">Its element type.</param>
/// <param name="ElementSize">Bytes per element.</param>
/// <param name="ElementCount">Elements, as the pickle declares them (checked against the entry's real length later).</param>
internal sealed record PickledStorage(string Key, string StorageType, ScalarType DType, int ElementSize, long ElementCount);
