using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A self-attention layer that <see cref="TransformerBlock"/> can hold as its <c>attn</c>: standard multi-head attention,
/// or ViViT model 4's factorised dot-product attention. Keeping one block type for both keeps one set of parameter names.
/// </summary>
public interface ISelfAttention
{
    /// <summary>Token dimension D.</summary>
    long Dim { get; }

    /// <summary>Attends over the tokens of <paramref name="x"/> [..., D]; <paramref name="keyMask"/> hides keys where supported.</summary>
    Tensor Attend(Tensor x, Tensor? keyMask);
}
