using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// ActionBERT (the UCF101-features ActionBERT study): a BERT-style temporal transformer over per-frame features [B, T, F] — feature projection,
/// CLS token, learned positions, embedding LayerNorm, post-norm encoder layers, and a classifier on the CLS output.
/// Padded frames are masked out when lengths are given. With a frame encoder it takes raw frames and trains end to end.
/// Parameters: <c>frame_encoder</c> (optional), <c>feature_proj</c>, <c>cls_token</c>, <c>pos_embed</c>,
/// <c>emb_norm</c>, <c>encoder</c>, <c>head</c>.
/// </summary>
public sealed class ActionBert : VideoClassifier
{
    private readonly CnnFrameEncoder? frame_encoder;
    private readonly Linear feature_proj;
    private readonly Parameter cls_token;
    private readonly LearnedPositionalEmbedding pos_embed;
    private readonly LayerNorm emb_norm;
    private readonly TransformerEncoder encoder;
    private readonly ClassificationHead head;

    /// <summary>Creates the model.</summary>
    public ActionBert(ActionBertConfig config) : base(nameof(ActionBert))
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowHelper.CheckAttnDimIsDim(config, nameof(ActionBert));
        Config = config;
        var c = config;
        if (c.FrameEncoder is { } fe) frame_encoder = new CnnFrameEncoder(fe.Channels, c.FeatureDim, fe.CnnWidth);
        feature_proj = nn.Linear(c.FeatureDim, c.Dim);
        cls_token = Init.trunc_normal_parameter(0.02, 1, 1, c.Dim);
        pos_embed = new LearnedPositionalEmbedding(c.MaxLength + 1, c.Dim, 1);
        emb_norm = nn.LayerNorm(c.Dim, c.LayerNormEps);
        encoder = new TransformerEncoder(c.ToTransformerOptions(), c.Layers, finalNorm: false, preNorm: false);
        head = new ClassificationHead(c.Dim, c.Classes, null, c.Dropout);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public ActionBertConfig Config { get; }

    /// <inheritdoc />
    public override long[] SampleShape => Config.FrameEncoder is { } fe
        ? new[] { Config.MaxLength, fe.Channels, fe.Height, fe.Width }
        : new[] { Config.MaxLength, Config.FeatureDim };

    /// <inheritdoc />
    public override long NumClasses => Config.Classes;

    /// <inheritdoc />
    public override long FlopsPerClip
    {
        get
        {
            var c = Config;
            var enc = frame_encoder is null ? 0 : c.MaxLength * frame_encoder.FlopsPerFrame(c.FrameEncoder!.Height, c.FrameEncoder.Width);
            return enc + Flops.Linear(c.MaxLength, c.FeatureDim, c.Dim) + c.Layers * Flops.Block(1, c.MaxLength + 1, c.Dim, c.Dim, c.MlpDim)
                   + Flops.Linear(1, c.Dim, c.Classes);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => forward(input, null);

    /// <summary>
    /// Features [B, T, F] (or frames [B, T, C, H, W] with a frame encoder), T ≤ MaxLength, and optional valid
    /// lengths [B] (int64): frames at or beyond a clip's length are masked out of attention.
    /// </summary>
    public Tensor forward(Tensor input, Tensor? lengths)
    {
        using var scope = NewDisposeScope();
        var feats = frame_encoder?.forward(input) ?? input;
        var s = ThrowHelper.CheckRank(this, feats, 3, nameof(ActionBert), $"features [B, T, {Config.FeatureDim}]");
        ThrowHelper.CheckDim(s, 2, Config.FeatureDim, nameof(ActionBert), $"features [B, T, {Config.FeatureDim}]");
        if (s[1] > Config.MaxLength) throw new ArgumentException($"ActionBert takes at most {Config.MaxLength} frames, got {s[1]}.");
        long b = s[0], t = s[1];
        var x = cat(new[] { cls_token.expand(b, 1, Config.Dim), feature_proj.forward(feats) }, 1);
        var pe = pos_embed.Resized(Config.MaxLength + 1).narrow(1, 0, t + 1);
        x = emb_norm.forward(x + pe);
        if (training && Config.Dropout > 0) x = FastDropout.dropout(x, Config.Dropout);
        Tensor? mask = null;
        if (lengths is not null)
        {
            if (!lengths.shape.SequenceEqual(new[] { b })) throw new ArgumentException($"ActionBert lengths must have shape [{b}], got {Shapes.Format(lengths.shape)}.");
            // Position 0 is the CLS token; frame i sits at position i+1 and is valid when i < length.
            mask = arange(t + 1).unsqueeze(0).le(lengths.unsqueeze(1));
        }
        x = encoder.forward(x, mask);
        return scope.MoveToOuter(head.forward(x.select(1, 0)));
    }
}
