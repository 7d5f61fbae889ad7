using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A transformer block over tokens [..., N, D]. Pre-norm (ViT): x += DropPath(Attn(LN₁ x)); x += DropPath(MLP(LN₂ x)).
/// Post-norm (BERT): x = LN₁(x + Attn x); x = LN₂(x + MLP x). The attention is multi-head self-attention unless another
/// <see cref="SelfAttention"/> is given (ViViT model 4 passes <see cref="FactorisedDotProductAttention"/>, the
/// shifted-window variant its window attention over [B, T, H, W, D]); the block works on any layout [..., D] its attention
/// takes. Parameters: <c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c>.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly SelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates the block; <paramref name="attention"/> builds its attention layer (multi-head self-attention by default).</summary>
    public TransformerBlock(BlockOptions o, bool preNorm = true, Func<BlockOptions, SelfAttention>? attention = null) : base(nameof(TransformerBlock))
    {
        ArgumentNullException.ThrowIfNull(o);
        Options = o;
        PreNorm = preNorm;
        norm1 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        attn = attention?.Invoke(o) ?? new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        if (attn.Dim != o.Dim) throw ThrowHelper.Config($"The attention layer works on dimension {attn.Dim}, the block on {o.Dim}.");
        norm2 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        mlp = new Mlp(o.Dim, o.MlpDim, o.Dropout, o.Gelu);
        drop_path = new DropPath(o.DropPath);
        RegisterComponents();
    }

    /// <summary>The block's hyper-parameters.</summary>
    public BlockOptions Options { get; }
    /// <summary>Pre-norm (true) or post-norm (false).</summary>
    public bool PreNorm { get; }
    /// <summary>The attention layer (e.g. to keep and read its maps).</summary>
    public SelfAttention Attention => attn;

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
            y = x + drop_path.forward(attn.Attend(norm1.forward(x), keyMask));
            y = y + drop_path.forward(mlp.forward(norm2.forward(y)));
        }
        else
        {
            y = norm1.forward(x + drop_path.forward(attn.Attend(x, keyMask)));
            y = norm2.forward(y + drop_path.forward(mlp.forward(y)));
        }
        return scope.MoveToOuter(y);
    }
}

/// <summary>
/// A stack of <see cref="TransformerBlock"/>s with stochastic depth rising linearly to <c>dropPath</c>, and an
/// optional final LayerNorm. Block i's attention comes from the attention factory (multi-head self-attention without
/// one). Parameters: <c>blocks.{i}.*</c>, <c>norm</c>. <see cref="Stack"/> builds the same depth schedule for blocks of
/// any other type.
/// </summary>
public sealed class TransformerEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm? norm;

    /// <summary>
    /// Creates the encoder; <paramref name="o"/>.DropPath is the last block's rate. <paramref name="attention"/>, given a
    /// block's options and index, builds its attention layer (e.g. window attention whose shift alternates with depth).
    /// </summary>
    public TransformerEncoder(BlockOptions o, int depth, bool finalNorm = true, bool preNorm = true, Func<BlockOptions, int, SelfAttention>? attention = null)
        : base(nameof(TransformerEncoder))
    {
        ArgumentNullException.ThrowIfNull(o);
        Depth = depth;
        blocks = Stack(o, depth, (oi, i) => new TransformerBlock(oi, preNorm, attention is null ? null : b => attention(b, i)));
        if (finalNorm) norm = nn.LayerNorm(o.Dim, o.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Linear stochastic-depth rule: 0 for the first block, <paramref name="max"/> for the last.</summary>
    public static double DropPathRate(double max, int index, int depth) => depth <= 1 ? 0 : max * index / (depth - 1);

    /// <summary>
    /// <paramref name="depth"/> blocks from <paramref name="block"/> (given the block's options and index), with
    /// <paramref name="o"/>.DropPath as the last block's stochastic depth and the rate rising linearly to it
    /// (<see cref="DropPathRate"/>). Register the list under the name its keys should carry (usually <c>blocks</c>).
    /// </summary>
    public static ModuleList<TBlock> Stack<TBlock>(BlockOptions o, int depth, Func<BlockOptions, int, TBlock> block) where TBlock : nn.Module
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(block);
        if (depth <= 0) throw ThrowHelper.Config($"Encoder depth must be positive, got {depth}.");
        return new ModuleList<TBlock>(Enumerable.Range(0, depth).Select(i => block(o with { DropPath = DropPathRate(o.DropPath, i, depth) }, i)).ToArray());
    }

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
