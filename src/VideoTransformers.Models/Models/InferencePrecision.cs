namespace VideoTransformers.Models;

/// <summary>
/// The number format a model computes in at inference. <see cref="BFloat16"/> converts the weights and inputs to
/// bfloat16, which libtorch runs through AVX-512 BF16 / AMX kernels where the CPU has them: on a 2-core Zen 5 VM the
/// inference of the presets ran 1.5 to 3.0 times faster, with logits within 1e-2 of float32 (docs/performance.md).
/// It is for inference only; training keeps float32 weights (TorchSharp 0.107 has no autocast).
/// </summary>
public enum InferencePrecision
{
    /// <summary>float32 weights and activations (the default).</summary>
    Float32,

    /// <summary>bfloat16 weights and activations; logits are returned as float32 by the evaluators.</summary>
    BFloat16,
}
