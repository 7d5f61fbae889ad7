using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>The <c>cnn-lstm</c> family: <see cref="CnnLstm"/>, the KTH FrameViT study's CNN frame encoder + BiLSTM baseline.</summary>
public sealed class CnnLstmFamily : RnnFamily
{
    private CnnLstmFamily() { }

    /// <summary>The family.</summary>
    public static CnnLstmFamily Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "cnn-lstm";
    /// <inheritdoc />
    public override string Description => "the KTH FrameViT study's baseline: a small CNN per frame, then a bidirectional LSTM";
    /// <inheritdoc />
    public override ModelInput Input => ModelInput.Video;

    /// <inheritdoc />
    public override VideoClassifier Build(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new CnnLstm(spec.Rnn ?? throw Missing(spec));
    }

    /// <inheritdoc />
    public override ModelSpec ForData(DataShape data, AttentionVariant? variant = null, ModelSpec? preset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check<AttentionVariant>(variant);
        var (channels, height, width) = Frames(data);
        var c = preset?.Rnn ?? RnnConfig.KthCnnLstm;
        return (preset ?? new ModelSpec { Model = Name }) with
        {
            Rnn = c with { Frames = data.Frames, Classes = data.Classes, FrameEncoder = new FrameEncoderConfig(channels, height, width) },
        };
    }
}
