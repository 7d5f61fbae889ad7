using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT (Arnab et al. 2021) with tubelet embedding and the four attention variants, composed from the shared blocks.
/// Parameters: <c>tubelet</c>; joint: <c>cls_token</c>, <c>pos_embed</c>, <c>encoder</c>; factorised encoder:
/// <c>cls_token</c>, <c>pos_embed</c>, <c>spatial</c>, <c>temporal_token</c>, <c>temporal_pos_embed</c>, <c>temporal</c>;
/// models 3/4: <c>pos_embed</c> (space + time), <c>blocks</c>, <c>norm</c>; always <c>head</c>.
/// </summary>
public sealed class ViViT : VideoClassifier
{
    private readonly TubeletEmbedding tubelet;
    private readonly Parameter? cls_token;
    private readonly nn.Module<Tensor, Tensor> pos_embed;
    private readonly TransformerEncoder? encoder;
    private readonly TransformerEncoder? spatial;
    private readonly Parameter? temporal_token;
    private readonly LearnedPositionalEmbedding? temporal_pos_embed;
    private readonly TransformerEncoder? temporal;
    private readonly ModuleList<nn.Module<Tensor, Tensor>>? blocks;
    private readonly LayerNorm? norm;
    private readonly ClassificationHead head;
    private readonly long _nt, _nh, _nw;

    /// <summary>Creates the model.</summary>
    public ViViT(ViViTConfig config) : base(nameof(ViViT))
    {
        Config = config;
        var c = config;
        if (c.Variant is ViViTVariant.FactorisedSelfAttention or ViViTVariant.FactorisedDotProduct && c.Pooling == Pooling.Cls)
            throw ThrowHelper.Config($"ViViT {c.Variant} has no CLS token (as in the paper); use Pooling.Mean.");
        tubelet = new TubeletEmbedding(c.Channels, c.Dim, c.TubeletT, c.TubeletH, c.TubeletW, c.Remainder);
        (_nt, _nh, _nw) = tubelet.Grid(c.Frames, c.ImageHeight, c.ImageWidth);
        var ns = _nh * _nw;
        var o = new BlockOptions(c.Dim, c.Heads, c.MlpDim, null, c.Dropout, c.AttnDropout, c.DropPath, c.LayerNormEps, c.Gelu);
        var prefix = c.Pooling == Pooling.Cls ? 1 : 0;
        // No dispose scope around construction: TorchSharp disposes a Parameter created inside one when it ends.
        switch (c.Variant)
        {
            case ViViTVariant.Joint:
                if (prefix == 1) cls_token = Init.trunc_normal_parameter(0.02, 1, 1, c.Dim);
                pos_embed = new LearnedPositionalEmbedding(_nt * ns + prefix, c.Dim, prefix);
                encoder = new TransformerEncoder(o, c.Layers);
                break;
            case ViViTVariant.FactorisedEncoder:
                if (prefix == 1)
                {
                    cls_token = Init.trunc_normal_parameter(0.02, 1, 1, 1, c.Dim);
                    temporal_token = Init.trunc_normal_parameter(0.02, 1, 1, c.Dim);
                }
                pos_embed = new LearnedPositionalEmbedding(ns + prefix, c.Dim, prefix, (_nh, _nw));
                spatial = new TransformerEncoder(o, c.Layers);
                temporal_pos_embed = new LearnedPositionalEmbedding(_nt + prefix, c.Dim, prefix);
                temporal = new TransformerEncoder(o, c.TemporalLayers);
                break;
            default:
                pos_embed = new SpaceTimePositionalEmbedding(_nt, ns, c.Dim);
                blocks = new ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, c.Layers).Select(i =>
                {
                    var oi = o with { DropPath = TransformerEncoder.DropPathRate(c.DropPath, i, c.Layers) };
                    return c.Variant == ViViTVariant.FactorisedSelfAttention
                        ? (nn.Module<Tensor, Tensor>)new FactorisedSelfAttentionBlock(oi)
                        : new TransformerBlock(oi, attention: b => new FactorisedDotProductAttention(b.Dim, b.Heads, b.AttnDim, b.AttnDropout, b.Dropout, b.QkvBias));
                }).ToArray());
                norm = nn.LayerNorm(c.Dim, c.LayerNormEps);
                break;
        }
        head = new ClassificationHead(c.Dim, c.Classes, c.HeadHidden, c.Dropout, c.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public ViViTConfig Config { get; }

    /// <summary>The token grid (time, height, width).</summary>
    public (long t, long h, long w) TokenGrid => (_nt, _nh, _nw);

    /// <summary>The tubelet embedding (e.g. to initialise it from a 2-D patch embedding).</summary>
    public TubeletEmbedding Tubelet => tubelet;

    /// <inheritdoc />
    public override long[] SampleShape => new[] { Config.Frames, Config.Channels, Config.ImageHeight, Config.ImageWidth };

    /// <inheritdoc />
    public override long NumClasses => Config.Classes;

    /// <inheritdoc />
    public override long FlopsPerClip
    {
        get
        {
            var c = Config;
            long ns = _nh * _nw, d = c.Dim, m = c.MlpDim, p = c.Pooling == Pooling.Cls ? 1 : 0;
            var embed = Flops.Conv(_nt * ns * d, c.Channels, c.TubeletT * c.TubeletH * c.TubeletW);
            var headFlops = c.HeadHidden is long h ? Flops.Linear(1, d, h) + Flops.Linear(1, h, c.Classes) : Flops.Linear(1, d, c.Classes);
            long body = c.Variant switch
            {
                ViViTVariant.Joint => c.Layers * Flops.Block(1, _nt * ns + p, d, d, m),
                ViViTVariant.FactorisedEncoder => c.Layers * Flops.Block(_nt, ns + p, d, d, m) + c.TemporalLayers * Flops.Block(1, _nt + p, d, d, m),
                ViViTVariant.FactorisedSelfAttention => c.Layers * (Flops.Attention(_nt, ns, d, d) + Flops.Attention(ns, _nt, d, d)
                                                                     + Flops.Linear(_nt * ns, d, m) + Flops.Linear(_nt * ns, m, d)),
                _ => c.Layers * (Flops.Linear(_nt * ns, d, 3 * d) + 2 * 2 * (_nt * ns * ns * d / 2 + ns * _nt * _nt * d / 2)
                                 + Flops.Linear(_nt * ns, d, d) + Flops.Linear(_nt * ns, d, m) + Flops.Linear(_nt * ns, m, d)),
            };
            return embed + body + headFlops;
        }
    }

    /// <summary>Video [B, T, C, H, W] → logits [B, classes]. T, H and W may differ from training (positions are interpolated).</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(ViViT), $"[B, T, {Config.Channels}, H, W]");
        var b = s[0];
        var c = Config;
        using var scope = NewDisposeScope();
        var x = tubelet.forward(video);                                                     // [B, nt, ns, D]
        var xs = x.shape;
        long nt = xs[1], ns = xs[2], d = c.Dim;
        var (_, gh, gw) = tubelet.Grid(s[1], s[3], s[4]);
        Tensor pooled;
        switch (c.Variant)
        {
            case ViViTVariant.Joint:
            {
                var tokens = x.reshape(b, nt * ns, d);
                if (cls_token is not null) tokens = cat(new[] { cls_token.expand(b, 1, d), tokens }, 1);
                tokens = ((LearnedPositionalEmbedding)pos_embed).forward(tokens);
                tokens = Dropout(tokens);
                tokens = encoder!.forward(tokens);
                pooled = cls_token is not null ? tokens.select(1, 0) : tokens.mean(new long[] { 1 });
                break;
            }
            case ViViTVariant.FactorisedEncoder:
            {
                var tokens = x;
                if (cls_token is not null) tokens = cat(new[] { cls_token.expand(b, nt, 1, d), tokens }, 2);
                tokens = Dropout(((LearnedPositionalEmbedding)pos_embed).forward(tokens, (gh, gw)));
                tokens = spatial!.forward(tokens);                                          // [B, nt, ns(+1), D]
                var frames = cls_token is not null ? tokens.select(2, 0) : tokens.mean(new long[] { 2 });  // [B, nt, D]
                if (temporal_token is not null) frames = cat(new[] { temporal_token.expand(b, 1, d), frames }, 1);
                frames = temporal!.forward(temporal_pos_embed!.forward(frames));
                pooled = temporal_token is not null ? frames.select(1, 0) : frames.mean(new long[] { 1 });
                break;
            }
            default:
            {
                var tokens = Dropout(pos_embed.forward(x));
                foreach (var blk in blocks!) tokens = blk.forward(tokens);
                pooled = norm!.forward(tokens).mean(new long[] { 1, 2 });
                break;
            }
        }
        return scope.MoveToOuter(head.forward(pooled));
    }

    private Tensor Dropout(Tensor x) => training && Config.Dropout > 0 ? FastDropout.dropout(x, Config.Dropout) : x;
}
