using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A transformer block over tokens [..., N, D]. Pre-norm (ViT): x += DropPath(Attn(LN₁ x)); x += DropPath(MLP(LN₂ x)).
/// Post-norm (BERT): x = LN₁(x + Attn x); x = LN₂(x + MLP x). The attention is multi-head self-attention unless another
/// <see cref="ISelfAttention"/> is given (ViViT model 4 passes <see cref="FactorisedDotProductAttention"/>).
/// Parameters: <c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c>.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly nn.Module attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates the block; <paramref name="attention"/> builds its attention layer (multi-head self-attention by default).</summary>
    public TransformerBlock(BlockOptions o, bool preNorm = true, Func<BlockOptions, ISelfAttention>? attention = null) : base(nameof(TransformerBlock))
    {
        Options = o;
        PreNorm = preNorm;
        norm1 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        var layer = attention?.Invoke(o) ?? new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        if (layer.Dim != o.Dim) throw ThrowHelper.Config($"The attention layer works on dimension {layer.Dim}, the block on {o.Dim}.");
        // Held as the module field 'attn' only, so that it is registered once, under the stable name.
        attn = layer as nn.Module ?? throw ThrowHelper.Config("The attention layer must be an nn.Module.");
        norm2 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        mlp = new Mlp(o.Dim, o.MlpDim, o.Dropout, o.Gelu);
        drop_path = new DropPath(o.DropPath);
        RegisterComponents();
    }

    /// <summary>The block's hyper-parameters.</summary>
    public BlockOptions Options { get; }
    /// <summary>Pre-norm (true) or post-norm (false).</summary>
    public bool PreNorm { get; }
    /// <summary>The attention layer (e.g. to read the maps of a <see cref="MultiHeadSelfAttention"/>).</summary>
    public ISelfAttention Attention => (ISelfAttention)attn;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>Runs the block; <paramref name="keyMask"/> hides padded tokens (see <see cref="MultiHeadSelfAttention"/>).</summary>
    public Tensor forward(Tensor x, Tensor? keyMask)
    {
        var s = x.shape;
        if (s.Length < 2 || s[^1] != Options.Dim)
            throw new ArgumentException($"TransformerBlock expected tokens [..., N, {Options.Dim}], got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, x, nameof(TransformerBlock), $"[..., N, {Options.Dim}]");
        using var scope = NewDisposeScope();
        Tensor y;
        if (PreNorm)
        {
            y = x + drop_path.forward(Attention.Attend(norm1.forward(x), keyMask));
            y = y + drop_path.forward(mlp.forward(norm2.forward(y)));
        }
        else
        {
            y = norm1.forward(x + drop_path.forward(Attention.Attend(x, keyMask)));
            y = norm2.forward(y + drop_path.forward(mlp.forward(y)));
        }
        return scope.MoveToOuter(y);
    }
}

/// <summary>
/// A stack of <see cref="TransformerBlock"/>s with stochastic depth rising linearly to <c>dropPath</c>, and an
/// optional final LayerNorm. Parameters: <c>blocks.{i}.*</c>, <c>norm</c>.
/// </summary>
public sealed class TransformerEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm? norm;

    /// <summary>Creates the encoder; <paramref name="o"/>.DropPath is the last block's rate.</summary>
    public TransformerEncoder(BlockOptions o, int depth, bool finalNorm = true, bool preNorm = true) : base(nameof(TransformerEncoder))
    {
        if (depth <= 0) throw ThrowHelper.Config($"Encoder depth must be positive, got {depth}.");
        Depth = depth;
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, depth).Select(i =>
            new TransformerBlock(o with { DropPath = DropPathRate(o.DropPath, i, depth) }, preNorm)).ToArray());
        if (finalNorm) norm = nn.LayerNorm(o.Dim, o.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Linear stochastic-depth rule: 0 for the first block, <paramref name="max"/> for the last.</summary>
    public static double DropPathRate(double max, int index, int depth) => depth <= 1 ? 0 : max * index / (depth - 1);

    /// <summary>Number of blocks.</summary>
    public int Depth { get; }

    /// <summary>The blocks.</summary>
    public IReadOnlyList<TransformerBlock> Blocks => blocks.ToArray();

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>Runs every block, then the final norm.</summary>
    public Tensor forward(Tensor x, Tensor? keyMask)
    {
        using var scope = NewDisposeScope();
        var y = x;
        foreach (var b in blocks) y = b.forward(y, keyMask);
        if (norm is not null) y = norm.forward(y);
        return scope.MoveToOuter(ReferenceEquals(y, x) ? x.alias() : y);
    }
}
