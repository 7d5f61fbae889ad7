using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

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
    public TransformerEncoder(TransformerOptions o, int depth, bool finalNorm = true, bool preNorm = true, Func<TransformerOptions, int, SelfAttention>? attention = null)
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
    public static ModuleList<TBlock> Stack<TBlock>(TransformerOptions o, int depth, Func<TransformerOptions, int, TBlock> block) where TBlock : nn.Module
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
