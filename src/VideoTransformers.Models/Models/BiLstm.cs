using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

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
