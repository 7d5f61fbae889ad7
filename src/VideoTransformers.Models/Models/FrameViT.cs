using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// The KTH FrameViT study's frame-by-frame ViT: each frame is patchified and embedded, a learnable CLS token is prepended per
/// frame, one transformer encoder runs over all frames at once ([B, T, N+1, D]), the per-frame CLS outputs are
/// averaged over time and classified. It ignores frame order by design.
/// Parameters: <c>patch_embed</c>, <c>cls_token</c>, <c>pos_embed</c>, <c>encoder</c>, <c>head</c>.
/// </summary>
public sealed class FrameViT : VideoClassifier
{
    private readonly Patchifier patchify;
    private readonly PatchEmbedding patch_embed;
    private readonly Parameter cls_token;
    private readonly LearnedPositionalEmbedding pos_embed;
    private readonly TransformerEncoder encoder;
    private readonly ClassificationHead head;

    /// <summary>Creates the model.</summary>
    public FrameViT(FrameViTConfig config) : base(nameof(FrameViT))
    {
        Config = config;
        patchify = new Patchifier(config.PatchSize);
        var n = patchify.PatchCount(config.ImageHeight, config.ImageWidth);
        var patchDim = config.Channels * config.PatchSize * config.PatchSize;
        patch_embed = new PatchEmbedding(patchDim, config.TokenDim);
        cls_token = Init.trunc_normal_parameter(0.02, 1, 1, 1, config.TokenDim);
        pos_embed = new LearnedPositionalEmbedding(n + 1, config.TokenDim, 1, (config.ImageHeight / config.PatchSize, config.ImageWidth / config.PatchSize));
        encoder = new TransformerEncoder(config.ToTransformerOptions(), config.Layers);
        head = new ClassificationHead(config.TokenDim, config.Classes, config.HeadHidden, config.Dropout);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public FrameViTConfig Config { get; }

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
            var n = c.ImageHeight / c.PatchSize * (c.ImageWidth / c.PatchSize) + 1;
            return Flops.Linear(c.Frames * (n - 1), c.Channels * c.PatchSize * c.PatchSize, c.TokenDim)
                   + c.Layers * Flops.Block(c.Frames, n, c.TokenDim, c.AttnDim ?? c.TokenDim, c.MlpDim)
                   + Flops.Linear(1, c.TokenDim, c.HeadHidden ?? c.Classes) + (c.HeadHidden is long h ? Flops.Linear(1, h, c.Classes) : 0);
        }
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionReadoutFor(long[] clipShape)
    {
        ArgumentNullException.ThrowIfNull(clipShape);
        var c = Config;
        return AttentionReadout.OfMaps($"encoder.blocks.{c.Layers - 1}.attn", true, clipShape[1], clipShape[3] / c.PatchSize, clipShape[4] / c.PatchSize);
    }

    /// <summary>Video [B, T, C, H, W] (any T) → logits [B, classes].</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(FrameViT), $"[B, T, {Config.Channels}, {Config.ImageHeight}, {Config.ImageWidth}]");
        if (s[2] != Config.Channels || s[3] != Config.ImageHeight || s[4] != Config.ImageWidth)
            throw new ArgumentException($"FrameViT expected input [B, T, {Config.Channels}, {Config.ImageHeight}, {Config.ImageWidth}], got {Shapes.Format(s)}.");
        long b = s[0], t = s[1];
        using var scope = NewDisposeScope();
        var tokens = patch_embed.forward(patchify.forward(video));                         // [B, T, N, D]
        var cls = cls_token.expand(b, t, 1, Config.TokenDim);
        var x = pos_embed.forward(cat(new[] { cls, tokens }, 2));                          // [B, T, N+1, D]
        if (training && Config.Dropout > 0) x = FastDropout.dropout(x, Config.Dropout);
        x = encoder.forward(x);
        var clip = x.select(2, 0).mean(new long[] { 1 });                                                 // mean of per-frame CLS
        return scope.MoveToOuter(head.forward(clip));
    }
}
