using VideoTransformers.TestSupport;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Support;

internal static class TensorIdentity
{
    /// <summary>
    /// True when the tensors have the same shape, dtype and bytes (bit for bit, as a checkpoint round trip or an exact
    /// resume must give). TorchSharp's Tensor.equal is element-wise and returns a tensor, not torch.equal's bool.
    /// </summary>
    public static bool Identical(this Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && HostValues.Bytes(a).AsSpan().SequenceEqual(HostValues.Bytes(b));
}
