using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// CNN-LSTM (the KTH FrameViT study's RNN baseline): a <see cref="CnnFrameEncoder"/> per frame, a bidirectional LSTM over time,
/// trained end to end. Parameters: <c>frame_encoder</c>, <c>lstm</c>, <c>head</c>.
/// </summary>
public sealed class CnnLstm : VideoClassifier
{
    private readonly CnnFrameEncoder frame_encoder;
    private readonly LSTM lstm;
    private readonly ClassificationHead head;

    /// <summary>Creates the model; <see cref="RnnConfig.FrameEncoder"/> is required.</summary>
    public CnnLstm(RnnConfig config) : base(nameof(CnnLstm))
    {
        Config = config;
        var fe = config.FrameEncoder ?? throw ThrowHelper.Config("CnnLstm needs RnnConfig.FrameEncoder (frame channels and size).");
        frame_encoder = new CnnFrameEncoder(fe.Channels, config.FeatureDim, fe.CnnWidth);
        lstm = nn.LSTM(config.FeatureDim, config.Hidden, config.Layers, batchFirst: true, bidirectional: true);
        head = new ClassificationHead(2 * config.Hidden, config.Classes, null, config.Dropout);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public RnnConfig Config { get; }
    /// <inheritdoc />
    public override long[] SampleShape => new[] { Config.Frames, Config.FrameEncoder!.Channels, Config.FrameEncoder.Height, Config.FrameEncoder.Width };
    /// <inheritdoc />
    public override long NumClasses => Config.Classes;
    /// <inheritdoc />
    public override long FlopsPerClip => Config.Frames * frame_encoder.FlopsPerFrame(Config.FrameEncoder!.Height, Config.FrameEncoder.Width)
                                         + BiLstm.LstmFlops(Config.Frames, Config.FeatureDim, Config.Hidden, Config.Layers)
                                         + Flops.Linear(1, 2 * Config.Hidden, Config.Classes);

    /// <inheritdoc />
    public override Tensor forward(Tensor video)
    {
        using var scope = NewDisposeScope();
        var feats = frame_encoder.forward(video);
        return scope.MoveToOuter(head.forward(BiLstm.Summarise(lstm, feats)));
    }
}
