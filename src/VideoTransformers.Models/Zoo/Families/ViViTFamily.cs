using VideoTransformers.Blocks;
using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>vivit</c> family: <see cref="ViViT"/> with one of the <see cref="ViViTVariant"/>s.</summary>
public sealed class ViViTFamily : ModelFamily
{
    private ViViTFamily() { }

    /// <summary>The family.</summary>
    public static ViViTFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "vivit";
    /// <inheritdoc />
    public override string Description => "ViViT (Arnab et al. 2021): tubelet embedding, then one of the attention variants";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Video;
    /// <inheritdoc />
    public override string VariantNoun => "ViViT variant";
    /// <inheritdoc />
    public override IReadOnlySet<ModelSetting> Settings { get; } = new HashSet<ModelSetting>
    {
        ModelSetting.PatchSize, ModelSetting.TubeletSize, ModelSetting.Dim, ModelSetting.Heads, ModelSetting.MlpDim, ModelSetting.Layers,
        ModelSetting.TemporalLayers, ModelSetting.Pooling, ModelSetting.LayerNormEps, ModelSetting.Dropout, ModelSetting.AttnDropout,
        ModelSetting.DropPath, ModelSetting.HeadHidden,
    };

    /// <inheritdoc />
    public override AttentionVariant? DefaultVariant => ViViTVariant.FactorisedEncoder;

    /// <inheritdoc />
    public override AttentionVariant? VariantOf(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.ViViT?.Variant;
    }

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ViViT(spec.ViViT ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var v = Check<ViViTVariant>(variant);
        var (channels, height, width) = Frames(data);
        var patch = ModelZoo.PickPatch(height, width, 16);
        var c = preset?.ViViT ?? ViViTConfig.SmallFactorisedEncoder with
        {
            TubeletT = Math.Min(2, data.Frames), TubeletH = patch, TubeletW = patch, Remainder = TubeletRemainder.Truncate,
        };
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            ViViT = c with
            {
                Frames = data.Frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = data.Classes,
                Variant = v ?? preset?.ViViT?.Variant ?? ViViTVariant.FactorisedEncoder,
                // A variant without a CLS token pools by mean; otherwise the preset's pooling (CLS by default) stays.
                Pooling = v is { HasClsToken: false } ? Pooling.Mean : preset?.ViViT?.Pooling ?? Pooling.Cls,
            },
        };
    }

    /// <inheritdoc />
    public override ModelSpec Apply(ModelSpec spec, ModelOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(overrides);
        var c = spec.ViViT ?? throw Missing(spec);
        var o = overrides;
        var (tt, th, tw) = o.TubeletSize is { Count: 3 } ts ? (ts[0], ts[1], ts[2]) : (c.TubeletT, o.PatchSize ?? c.TubeletH, o.PatchSize ?? c.TubeletW);
        return spec with
        {
            ViViT = c with
            {
                TubeletT = tt, TubeletH = th, TubeletW = tw,
                Dim = o.Dim ?? c.Dim,
                Heads = o.Heads ?? c.Heads,
                MlpDim = o.MlpDim ?? c.MlpDim,
                Layers = o.Layers ?? c.Layers,
                TemporalLayers = o.TemporalLayers ?? c.TemporalLayers,
                Pooling = o.Pooling ?? c.Pooling,
                LayerNormEps = o.LayerNormEps ?? c.LayerNormEps,
                Dropout = o.Dropout ?? c.Dropout,
                AttnDropout = o.AttnDropout ?? c.AttnDropout,
                DropPath = o.DropPath ?? c.DropPath,
                HeadHidden = o.HeadHidden ?? c.HeadHidden,
            },
        };
    }
}
