using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// TimeSformer (Bertasius et al. 2021): per-frame patch embedding, a CLS token, separate space (<c>pos_embed</c>, with
/// the CLS position) and time (<c>time_embed</c>) embeddings, then divided space-time, joint or space-only blocks.
/// Parameters: <c>patch_embed</c>, <c>cls_token</c>, <c>pos_embed</c>, <c>time_embed</c>, <c>blocks.{i}</c>,
/// <c>norm</c>, <c>head</c>.
/// </summary>
public sealed class TimeSformer : VideoClassifier
{
    private readonly ConvPatchEmbedding patch_embed;
    private readonly Parameter cls_token;
    private readonly LearnedPositionalEmbedding pos_embed;
    private readonly LearnedPositionalEmbedding? time_embed;
    private readonly ModuleList<nn.Module> blocks;
    private readonly LayerNorm norm;
    private readonly ClassificationHead head;
    private readonly long _gh, _gw;

    /// <summary>Creates the model.</summary>
    public TimeSformer(TimeSformerConfig config) : base(nameof(TimeSformer))
    {
        Config = config;
        var c = config;
        patch_embed = new ConvPatchEmbedding(c.Channels, c.Dim, c.PatchSize, c.PatchSize);
        (_gh, _gw) = patch_embed.Grid(c.ImageHeight, c.ImageWidth);
        cls_token = Init.trunc_normal_parameter(0.02, 1, 1, c.Dim);
        pos_embed = new LearnedPositionalEmbedding(_gh * _gw + 1, c.Dim, 1, (_gh, _gw));
        if (c.Attention != TimeSformerAttention.SpaceOnly) time_embed = new LearnedPositionalEmbedding(c.Frames, c.Dim);
        var o = new BlockOptions(c.Dim, c.Heads, c.MlpDim, null, c.Dropout, c.AttnDropout, 0, c.LayerNormEps, c.Gelu, c.QkvBias);
        blocks = new ModuleList<nn.Module>(Enumerable.Range(0, c.Layers).Select(i =>
        {
            var oi = o with { DropPath = TransformerEncoder.DropPathRate(c.DropPath, i, c.Layers) };
            return c.Attention == TimeSformerAttention.DividedSpaceTime ? (nn.Module)new DividedSpaceTimeBlock(oi) : new TransformerBlock(oi);
        }).ToArray());
        norm = nn.LayerNorm(c.Dim, c.LayerNormEps);
        head = new ClassificationHead(c.Dim, c.Classes, c.HeadHidden, c.Dropout, c.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public TimeSformerConfig Config { get; }

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
            long s = _gh * _gw, t = c.Frames, d = c.Dim, m = c.MlpDim;
            var embed = Flops.Conv(t * s * d, c.Channels, c.PatchSize * c.PatchSize);
            long perBlock = c.Attention switch
            {
                TimeSformerAttention.DividedSpaceTime => Flops.Attention(s, t, d, d) + Flops.Linear(s * t, d, d)
                                                         + Flops.Attention(t, s + 1, d, d) + Flops.Linear(t * s + 1, d, m) + Flops.Linear(t * s + 1, m, d),
                TimeSformerAttention.JointSpaceTime => Flops.Block(1, t * s + 1, d, d, m),
                _ => Flops.Block(t, s + 1, d, d, m),
            };
            var headFlops = c.HeadHidden is long h ? Flops.Linear(1, d, h) + Flops.Linear(1, h, c.Classes) : Flops.Linear(1, d, c.Classes);
            return embed + c.Layers * perBlock + headFlops;
        }
    }

    /// <summary>Video [B, T, C, H, W] → logits [B, classes]; T and H×W may differ from training (embeddings are interpolated).</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(TimeSformer), $"[B, T, {Config.Channels}, H, W]");
        long b = s[0], t = s[1], d = Config.Dim;
        var (gh, gw) = patch_embed.Grid(s[3], s[4]);
        var n = gh * gw;
        using var scope = NewDisposeScope();
        var x = patch_embed.forward(video);                                                       // [B, T, S, D]
        // Spatial positions, with the CLS token at position 0 of every frame (as facebookresearch/HF).
        var withCls = pos_embed.forward(cat(new[] { cls_token.expand(b, t, 1, d).contiguous().reshape(b, t, 1, d), x }, 2), (gh, gw));
        withCls = Dropout(withCls);
        var cls = withCls.select(1, 0).narrow(1, 0, 1);                                            // [B, 1, D]: frame 0's CLS
        Tensor pooled;
        if (Config.Attention == TimeSformerAttention.SpaceOnly)
        {
            var frames = withCls;                                                                  // [B, T, S+1, D]
            foreach (var blk in blocks) frames = ((TransformerBlock)blk).forward(frames);
            pooled = norm.forward(frames.mean(new long[] { 1 })).select(1, 0);
        }
        else
        {
            var tokens = withCls.narrow(2, 1, n);                                                  // [B, T, S, D]
            tokens = Dropout(time_embed!.forward(tokens.transpose(1, 2)).transpose(1, 2));         // time positions per patch
            if (Config.Attention == TimeSformerAttention.DividedSpaceTime)
            {
                foreach (var blk in blocks) (cls, tokens) = ((DividedSpaceTimeBlock)blk).forward((cls, tokens));
                pooled = norm.forward(cls).select(1, 0);
            }
            else
            {
                var all = cat(new[] { cls, tokens.reshape(b, t * n, d) }, 1);
                foreach (var blk in blocks) all = ((TransformerBlock)blk).forward(all);
                pooled = norm.forward(all.select(1, 0));
            }
        }
        return scope.MoveToOuter(head.forward(pooled));
    }

    private Tensor Dropout(Tensor x) => training && Config.Dropout > 0 ? FastDropout.dropout(x, Config.Dropout) : x;
}
