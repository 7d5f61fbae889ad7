using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

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

    /// <summary>Seed 000's CNN-LSTM baseline on KTH (64×64×1, 10 frames, 6 classes).</summary>
    public static RnnConfig KthCnnLstm => new() { FeatureDim = 128, Frames = 10, Hidden = 128, Classes = 6, FrameEncoder = new FrameEncoderConfig(1, 64, 64) };
}

/// <summary>
/// Bidirectional LSTM over per-frame features [B, T, F]; the final hidden states of both directions are
/// concatenated and classified. Parameters: <c>lstm</c>, <c>head</c>.
/// </summary>
public sealed class BiLstm : VideoClassifier
{
    private readonly LSTM lstm;
    private readonly ClassificationHead head;

    /// <summary>Creates the model.</summary>
    public BiLstm(RnnConfig config) : base(nameof(BiLstm))
    {
        Config = config;
        lstm = nn.LSTM(config.FeatureDim, config.Hidden, config.Layers, batchFirst: true, bidirectional: true);
        head = new ClassificationHead(2 * config.Hidden, config.Classes, null, config.Dropout);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public RnnConfig Config { get; }
    /// <inheritdoc />
    public override long[] SampleShape => new[] { Config.Frames, Config.FeatureDim };
    /// <inheritdoc />
    public override long NumClasses => Config.Classes;
    /// <inheritdoc />
    public override long FlopsPerClip => LstmFlops(Config.Frames, Config.FeatureDim, Config.Hidden, Config.Layers) + Flops.Linear(1, 2 * Config.Hidden, Config.Classes);

    internal static long LstmFlops(long t, long f, long h, long layers)
    {
        long total = 0;
        for (var l = 0; l < layers; l++)
            total += 2 * (Flops.Linear(t, l == 0 ? f : 2 * h, 4 * h) + Flops.Linear(t, h, 4 * h));
        return total;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor features)
    {
        var s = ThrowHelper.CheckRank(this, features, 3, nameof(BiLstm), $"[B, T, {Config.FeatureDim}]");
        ThrowHelper.CheckDim(s, 2, Config.FeatureDim, nameof(BiLstm), $"[B, T, {Config.FeatureDim}]");
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(head.forward(Summarise(lstm, features)));
    }

    /// <summary>The last layer's final forward and backward hidden states, concatenated: [B, 2H].</summary>
    internal static Tensor Summarise(LSTM lstm, Tensor features)
    {
        using var scope = NewDisposeScope();
        // oneDNN 3.7.1's inference LSTM (brgemm:avx512_core forward_inference, chosen by libtorch 2.10 when nothing
        // needs a gradient) returned hidden states off by up to 0.4 here, while its training kernel and PyTorch 1.13
        // agree. An input that requires a gradient keeps libtorch on the training kernel; outside grad mode the result
        // is detached again, so callers see no graph.
        var gradMode = is_grad_enabled();
        Tensor hN;
        using (enable_grad())
        {
            var input = features.requires_grad ? features : features.detach().requires_grad_(true);
            (_, hN, _) = lstm.forward(input);                        // [layers*2, B, H]
            if (!gradMode) hN = hN.detach();
        }
        var l = hN.size(0);
        return scope.MoveToOuter(cat(new[] { hN[l - 2], hN[l - 1] }, 1));
    }
}

/// <summary>
/// CNN-LSTM (seed 000's RNN baseline): a <see cref="CnnFrameEncoder"/> per frame, a bidirectional LSTM over time,
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
