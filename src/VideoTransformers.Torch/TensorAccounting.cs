using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>Live-tensor accounting for leak tests and training-loop diagnostics.</summary>
public static class TensorAccounting
{
    /// <summary>
    /// The number of TorchSharp tensor handles not yet disposed (TorchSharp's <c>Tensor.TotalCount</c>). A training
    /// loop whose temporaries are freed by dispose scopes keeps this flat; tensors left to the finalizer make it grow.
    /// </summary>
    public static long LiveTensors => Tensor.TotalCount;
}
