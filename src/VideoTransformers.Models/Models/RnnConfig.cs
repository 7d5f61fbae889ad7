using VideoTransformers.Blocks;

namespace VideoTransformers.Models;

/// <summary>Configuration of the RNN baselines (<see cref="BiLstm"/>, <see cref="CnnLstm"/>).</summary>
public sealed record RnnConfig
{
    /// <summary>Per-frame feature size.</summary>
    public long FeatureDim { get; init; } = 512;
    /// <summary>Sequence length.</summary>
    public long Frames { get; init; } = 32;
    /// <summary>LSTM hidden size.</summary>
    public long Hidden { get; init; } = 256;
    /// <summary>LSTM layers.</summary>
    public long Layers { get; init; } = 1;
    /// <summary>Classes.</summary>
    public long Classes { get; init; } = 101;
    /// <summary>Dropout before the classifier.</summary>
    public double Dropout { get; init; }
    /// <summary>For <see cref="CnnLstm"/>: the frame encoder.</summary>
    public FrameEncoderConfig? FrameEncoder { get; init; }

    /// <summary>The KTH FrameViT study's CNN-LSTM baseline on KTH (64×64×1, 10 frames, 6 classes).</summary>
    public static RnnConfig KthCnnLstm => new() { FeatureDim = 128, Frames = 10, Hidden = 128, Classes = 6, FrameEncoder = new FrameEncoderConfig(1, 64, 64) };
}
