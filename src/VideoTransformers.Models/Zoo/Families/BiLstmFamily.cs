using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>bilstm</c> family: <see cref="BiLstm"/> over per-frame features.</summary>
public sealed class BiLstmFamily : RnnFamily
{
    private BiLstmFamily() { }

    /// <summary>The family.</summary>
    public static BiLstmFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "bilstm";
    /// <inheritdoc />
    public override string Description => "a bidirectional LSTM over per-frame features [B, T, F]";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Features;

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new BiLstm(spec.Rnn ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check<AttentionVariant>(variant);
        if (data.FeatureDim is not { } features)
            throw new ArgumentException("bilstm runs over per-frame features [B, T, F]; for raw clips use cnn-lstm (a CNN frame encoder + BiLSTM).");
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            Rnn = (preset?.Rnn ?? new RnnConfig()) with { FeatureDim = features, Frames = data.Frames, Classes = data.Classes, FrameEncoder = null },
        };
    }
}
