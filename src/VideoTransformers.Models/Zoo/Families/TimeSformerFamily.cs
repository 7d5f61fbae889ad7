using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>timesformer</c> family: <see cref="TimeSformer"/> with one of the <see cref="TimeSformerAttention"/> schemes.</summary>
public sealed class TimeSformerFamily : ModelFamily
{
    private TimeSformerFamily() { }

    /// <summary>The family.</summary>
    public static TimeSformerFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "timesformer";
    /// <inheritdoc />
    public override string Description => "TimeSformer (Bertasius et al. 2021): per-frame patches, a CLS token, space and time embeddings";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Video;
    /// <inheritdoc />
    public override string VariantNoun => "TimeSformer attention";
    /// <inheritdoc />
    public override IReadOnlySet<ModelSetting> Settings { get; } = new HashSet<ModelSetting>
    {
        ModelSetting.PatchSize, ModelSetting.Dim, ModelSetting.Heads, ModelSetting.MlpDim, ModelSetting.Layers, ModelSetting.LayerNormEps,
        ModelSetting.Dropout, ModelSetting.AttnDropout, ModelSetting.DropPath, ModelSetting.HeadHidden,
    };

    /// <inheritdoc />
    public override AttentionVariant? DefaultVariant => TimeSformerAttention.DividedSpaceTime;

    /// <inheritdoc />
    public override AttentionVariant? VariantOf(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.TimeSformer?.Attention;
    }

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new TimeSformer(spec.TimeSformer ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var v = Check<TimeSformerAttention>(variant);
        var (channels, height, width) = Frames(data);
        var c = preset?.TimeSformer ?? new TimeSformerConfig { PatchSize = ModelZoo.PickPatch(height, width, 16), Dim = 128, Heads = 4, MlpDim = 256, Layers = 4 };
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            TimeSformer = c with
            {
                Frames = data.Frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = data.Classes,
                Attention = v ?? preset?.TimeSformer?.Attention ?? TimeSformerAttention.DividedSpaceTime,
            },
        };
    }

    /// <inheritdoc />
    public override ModelSpec Apply(ModelSpec spec, ModelOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(overrides);
        var c = spec.TimeSformer ?? throw Missing(spec);
        var o = overrides;
        return spec with
        {
            TimeSformer = c with
            {
                PatchSize = o.PatchSize ?? c.PatchSize,
                Dim = o.Dim ?? c.Dim,
                Heads = o.Heads ?? c.Heads,
                MlpDim = o.MlpDim ?? c.MlpDim,
                Layers = o.Layers ?? c.Layers,
                LayerNormEps = o.LayerNormEps ?? c.LayerNormEps,
                Dropout = o.Dropout ?? c.Dropout,
                AttnDropout = o.AttnDropout ?? c.AttnDropout,
                DropPath = o.DropPath ?? c.DropPath,
                HeadHidden = o.HeadHidden ?? c.HeadHidden,
            },
        };
    }
}
