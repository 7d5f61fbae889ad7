using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>frame-vit</c> family: <see cref="FrameViT"/>, the KTH FrameViT study's ViT over every frame.</summary>
public sealed class FrameViTFamily : ModelFamily
{
    private FrameViTFamily() { }

    /// <summary>The family.</summary>
    public static FrameViTFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "frame-vit";
    /// <inheritdoc />
    public override string Description => "the KTH FrameViT study's ViT over every frame, CLS outputs averaged over time (ignores frame order)";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Video;
    /// <inheritdoc />
    public override IReadOnlySet<ModelSetting> Settings { get; } = new HashSet<ModelSetting>
    {
        ModelSetting.PatchSize, ModelSetting.Dim, ModelSetting.AttnDim, ModelSetting.Heads, ModelSetting.MlpDim, ModelSetting.Layers,
        ModelSetting.Dropout, ModelSetting.AttnDropout, ModelSetting.DropPath, ModelSetting.HeadHidden,
    };

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new FrameViT(spec.FrameViT ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check<AttentionVariant>(variant);
        var (channels, height, width) = Frames(data);
        var patch = ModelZoo.PickPatch(height, width, 16);
        var c = preset?.FrameViT ?? new FrameViTConfig { PatchSize = patch, TokenDim = 128, AttnDim = 128, MlpDim = 256, Layers = 4 };
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            FrameViT = c with { Frames = data.Frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = data.Classes },
        };
    }

    /// <inheritdoc />
    public override ModelSpec Apply(ModelSpec spec, ModelOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(overrides);
        var c = spec.FrameViT ?? throw Missing(spec);
        var o = overrides;
        return spec with
        {
            FrameViT = c with
            {
                PatchSize = o.PatchSize ?? c.PatchSize,
                TokenDim = o.Dim ?? c.TokenDim,
                // The KTH FrameViT study sizes attention like the tokens unless told otherwise.
                AttnDim = o.AttnDim ?? o.Dim ?? c.AttnDim,
                Heads = o.Heads ?? c.Heads,
                MlpDim = o.MlpDim ?? c.MlpDim,
                Layers = o.Layers ?? c.Layers,
                Dropout = o.Dropout ?? c.Dropout,
                AttnDropout = o.AttnDropout ?? c.AttnDropout,
                DropPath = o.DropPath ?? c.DropPath,
                HeadHidden = o.HeadHidden ?? c.HeadHidden,
            },
        };
    }
}
