using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The RNN baselines' families (<see cref="BiLstmFamily"/>, <see cref="CnnLstmFamily"/>): one <see cref="RnnConfig"/> and its overrides.</summary>
public abstract class RnnFamily : ModelFamily
{
    /// <inheritdoc />
    public override IReadOnlySet<ModelSetting> Settings { get; } = new HashSet<ModelSetting>
    {
        ModelSetting.FeatureDim, ModelSetting.HiddenSize, ModelSetting.LstmLayers, ModelSetting.Dropout,
    };

    /// <inheritdoc />
    public override ModelSpec Apply(ModelSpec spec, ModelOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(overrides);
        var c = spec.Rnn ?? throw Missing(spec);
        var o = overrides;
        return spec with
        {
            Rnn = c with
            {
                FeatureDim = o.FeatureDim ?? c.FeatureDim,
                Hidden = o.HiddenSize ?? c.Hidden,
                Layers = o.LstmLayers ?? c.Layers,
                Dropout = o.Dropout ?? c.Dropout,
            },
        };
    }
}
