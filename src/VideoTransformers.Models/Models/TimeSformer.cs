using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// TimeSformer (Bertasius et al. 2021): per-frame patch embedding, a CLS token, separate space (<c>pos_embed</c>, with
/// the CLS position) and time (<c>time_embed</c>) embeddings, then the blocks of the configured
/// <see cref="TimeSformerAttention"/> (divided space-time, joint or space-only).
/// Parameters: <c>patch_embed</c>, <c>cls_token</c>, <c>pos_embed</c>, <c>time_embed</c> (not space-only),
/// <c>blocks.{i}</c>, <c>norm</c>, <c>head</c>.
/// </summary>
public sealed class TimeSformer : VideoClassifier
{
    private readonly ConvPatchEmbedding patch_embed;
    private readonly Parameter cls_token;
    private readonly LearnedPositionalEmbedding pos_embed;
    private readonly TimeSformerEncoder body;
    private readonly ClassificationHead head;
    private readonly long _gh, _gw;

    /// <summary>Creates the model.</summary>
    public TimeSformer(TimeSformerConfig config) : base(nameof(TimeSformer))
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowHelper.CheckAttnDimIsDim(config, nameof(TimeSformer));
        Config = config;
        var c = config;
        var attention = c.Attention ?? throw ThrowHelper.Config("TimeSformerConfig.Attention is not set.");
        // Registered one by one, so that the keys keep their order: patch_embed, pos_embed, the scheme's parts, head.
        patch_embed = new ConvPatchEmbedding(c.Channels, c.Dim, c.PatchSize, c.PatchSize);
        register_module(nameof(patch_embed), patch_embed);
        (_gh, _gw) = patch_embed.Grid(c.ImageHeight, c.ImageWidth);
        cls_token = Init.trunc_normal_parameter(0.02, 1, 1, c.Dim);
        register_parameter(nameof(cls_token), cls_token);
        pos_embed = new LearnedPositionalEmbedding(_gh * _gw + 1, c.Dim, 1, (_gh, _gw));
        register_module(nameof(pos_embed), pos_embed);
        body = attention.Build(c, new ModelParts(this));
        head = new ClassificationHead(c.Dim, c.Classes, c.HeadHidden, c.Dropout, c.LayerNormEps);
        register_module(nameof(head), head);
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
            long s = _gh * _gw, t = c.Frames, d = c.Dim;
            var embed = Flops.Conv(t * s * d, c.Channels, c.PatchSize * c.PatchSize);
            var headFlops = c.HeadHidden is long h ? Flops.Linear(1, d, h) + Flops.Linear(1, h, c.Classes) : Flops.Linear(1, d, c.Classes);
            return embed + c.Attention.EncoderFlops(c, t, s) + headFlops;
        }
    }

    /// <inheritdoc />
    public override AttentionReadout? AttentionReadoutFor(long[] clipShape)
    {
        ArgumentNullException.ThrowIfNull(clipShape);
        return Config.Attention.AttentionMap(Config, clipShape[1], patch_embed.Grid(clipShape[3], clipShape[4]));
    }

    /// <summary>Video [B, T, C, H, W] → logits [B, classes]; T and H×W may differ from training (embeddings are interpolated).</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(TimeSformer), $"[B, T, {Config.Channels}, H, W]");
        long b = s[0], t = s[1], d = Config.Dim;
        var (gh, gw) = patch_embed.Grid(s[3], s[4]);
        using var scope = NewDisposeScope();
        var x = patch_embed.forward(video);                                                       // [B, T, S, D]
        // Spatial positions, with the CLS token at position 0 of every frame (as facebookresearch/HF).
        var frames = pos_embed.forward(cat(new[] { cls_token.expand(b, t, 1, d).contiguous().reshape(b, t, 1, d), x }, 2), (gh, gw));
        if (training && Config.Dropout > 0) frames = FastDropout.dropout(frames, Config.Dropout);
        return scope.MoveToOuter(head.forward(body.Forward(frames, training)));
    }
}
