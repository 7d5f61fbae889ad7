namespace VideoTransformers.Interop;

/// <summary>
/// A tensor as <c>torch._utils._rebuild_tensor_v2</c> describes it: a strided view of a storage. Only validated numbers;
/// the tensor itself is made after the whole pickle has been read and every view checked against its storage.
/// </summary>
/// <param name="Storage">The storage it views.</param>
/// <param name="Offset">Offset into the storage, in elements.</param>
/// <param name="Shape">Sizes (non-negative).</param>
/// <param name="Stride">Strides in elements (non-negative), one per size.</param>
internal sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Shape, long[] Stride);
