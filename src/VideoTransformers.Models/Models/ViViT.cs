using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// ViViT (Arnab et al. 2021): tubelet embedding, then the encoder of the configured <see cref="ViViTVariant"/>, then the
/// classification head. Parameters: <c>tubelet</c>, the variant's parts (see each variant, e.g. joint: <c>cls_token</c>,
/// <c>pos_embed</c>, <c>encoder</c>; factorised encoder: <c>cls_token</c>, <c>pos_embed</c>, <c>spatial</c>,
/// <c>temporal_token</c>, <c>temporal_pos_embed</c>, <c>temporal</c>; models 3/4: <c>pos_embed</c> (space + time),
/// <c>blocks</c>, <c>norm</c>), and <c>head</c>.
/// </summary>
public sealed class ViViT : VideoClassifier
{
    private readonly TubeletEmbedding tubelet;
    private readonly ViViTEncoder body;
    private readonly ClassificationHead head;
    private readonly long _nt, _nh, _nw;

    /// <summary>Creates the model.</summary>
    public ViViT(ViViTConfig config) : base(nameof(ViViT))
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowHelper.CheckAttnDimIsDim(config, nameof(ViViT));
        Config = config;
        var c = config;
        var variant = c.Variant ?? throw ThrowHelper.Config("ViViTConfig.Variant is not set.");
        if (!variant.HasClsToken && c.Pooling == Pooling.Cls)
            throw ThrowHelper.Config($"ViViT {variant} has no CLS token (as in the paper); use Pooling.Mean.");
        // No dispose scope around construction: TorchSharp disposes a Parameter created inside one when it ends.
        // Registered one by one, so that the keys keep their order: tubelet, the variant's parts, head.
        tubelet = new TubeletEmbedding(c.Channels, c.Dim, c.TubeletT, c.TubeletH, c.TubeletW, c.Remainder);
        register_module(nameof(tubelet), tubelet);
        (_nt, _nh, _nw) = tubelet.Grid(c.Frames, c.ImageHeight, c.ImageWidth);
        body = variant.Build(c, (_nt, _nh, _nw), new ModelParts(this));
        head = new ClassificationHead(c.Dim, c.Classes, c.HeadHidden, c.Dropout, c.LayerNormEps);
        register_module(nameof(head), head);
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
            long d = c.Dim;
            var embed = Flops.Conv(_nt * _nh * _nw * d, c.Channels, c.TubeletT * c.TubeletH * c.TubeletW);
            var headFlops = c.HeadHidden is long h ? Flops.Linear(1, d, h) + Flops.Linear(1, h, c.Classes) : Flops.Linear(1, d, c.Classes);
            return embed + c.Variant.EncoderFlops(c, (_nt, _nh, _nw)) + headFlops;
        }
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionReadoutFor(long[] clipShape)
    {
        ArgumentNullException.ThrowIfNull(clipShape);
        return Config.Variant.AttentionMap(Config, tubelet.Grid(clipShape[1], clipShape[3], clipShape[4]));
    }

    /// <summary>Video [B, T, C, H, W] → logits [B, classes]. T, H and W may differ from training (positions are interpolated).</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(ViViT), $"[B, T, {Config.Channels}, H, W]");
        using var scope = NewDisposeScope();
        var x = tubelet.forward(video);                                                     // [B, nt, ns, D]
        var (_, gh, gw) = tubelet.Grid(s[1], s[3], s[4]);
        var pooled = body.Forward(x, (x.shape[1], gh, gw), training);
        return scope.MoveToOuter(head.forward(pooled));
    }
}
