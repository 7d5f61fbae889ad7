using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Projects flattened patches to the token dimension with LayerNorm on both sides (the KTH FrameViT study; lucidrains' ViT):
/// <c>norm_in</c> (LayerNorm over C·p·p) → <c>proj</c> (Linear) → <c>norm_out</c> (LayerNorm over D).
/// </summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm_in;
    private readonly Linear proj;
    private readonly LayerNorm norm_out;

    /// <summary>Creates the embedding.</summary>
    public PatchEmbedding(long patchDim, long tokenDim, double eps = 1e-5) : base(nameof(PatchEmbedding))
    {
        PatchDim = patchDim;
        TokenDim = tokenDim;
        norm_in = nn.LayerNorm(patchDim, eps);
        proj = nn.Linear(patchDim, tokenDim);
        norm_out = nn.LayerNorm(tokenDim, eps);
        RegisterComponents();
    }

    /// <summary>Flattened patch size C·ph·pw.</summary>
    public long PatchDim { get; }
    /// <summary>Token dimension D.</summary>
    public long TokenDim { get; }

    /// <summary>[..., C·p·p] → [..., D].</summary>
    public override Tensor forward(Tensor patches)
    {
        var s = patches.shape;
        if (s.Length < 2 || s[^1] != PatchDim)
            throw new ArgumentException($"PatchEmbedding expected [..., {PatchDim}] patches, got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, patches, nameof(PatchEmbedding), $"[..., {PatchDim}]");
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(norm_out.forward(proj.forward(norm_in.forward(patches))));
    }
}
