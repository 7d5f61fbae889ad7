using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>actionbert</c> family: <see cref="ActionBert"/>, the UCF101-features ActionBERT study's BERT-style temporal transformer.</summary>
public sealed class ActionBertFamily : ModelFamily
{
    private ActionBertFamily() { }

    /// <summary>The family.</summary>
    public static ActionBertFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "actionbert";
    /// <inheritdoc />
    public override string Description => "the UCF101-features ActionBERT study's BERT-style temporal transformer over per-frame features (on clips: with a CNN frame encoder)";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Video;
    /// <inheritdoc />
    public override IReadOnlySet<ModelSetting> Settings { get; } = new HashSet<ModelSetting>
    {
        ModelSetting.FeatureDim, ModelSetting.Dim, ModelSetting.Heads, ModelSetting.MlpDim, ModelSetting.Layers, ModelSetting.LayerNormEps,
        ModelSetting.Dropout, ModelSetting.AttnDropout,
    };

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ActionBert(spec.ActionBert ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check<AttentionVariant>(variant);
        var (channels, height, width) = Frames(data);
        var c = preset?.ActionBert ?? new ActionBertConfig { FeatureDim = 128, Dim = 128, MlpDim = 256, Layers = 2 };
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            ActionBert = c with { MaxLength = data.Frames, Classes = data.Classes, FrameEncoder = new FrameEncoderConfig(channels, height, width) },
        };
    }

    /// <inheritdoc />
    public override ModelSpec Apply(ModelSpec spec, ModelOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(overrides);
        var c = spec.ActionBert ?? throw Missing(spec);
        var o = overrides;
        return spec with
        {
            ActionBert = c with
            {
                FeatureDim = o.FeatureDim ?? c.FeatureDim,
                Dim = o.Dim ?? c.Dim,
                Heads = o.Heads ?? c.Heads,
                MlpDim = o.MlpDim ?? c.MlpDim,
                Layers = o.Layers ?? c.Layers,
                LayerNormEps = o.LayerNormEps ?? c.LayerNormEps,
                Dropout = o.Dropout ?? c.Dropout,
                AttnDropout = o.AttnDropout ?? c.AttnDropout,
            },
        };
    }
}
