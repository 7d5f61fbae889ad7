using VideoTransformers.Models;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.DistributedWorker;

/// <summary>
/// A small CNN-LSTM, whose BatchNorm layers carry float and int64 buffers, with every parameter and buffer set to
/// per-rank values: a fresh BatchNorm's affine parameters and buffers are the same whatever the seed, so without this
/// a broadcast that skipped them would pass.
/// </summary>
internal static class BroadcastModel
{
    public static CnnLstm Create(int rank)
    {
        var model = new CnnLstm(new RnnConfig { FeatureDim = 16, Frames = 4, Hidden = 16, Classes = 5, FrameEncoder = new FrameEncoderConfig(1, 16, 16, 8) });
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (_, buffer) in model.state_dict())
        {
            if (buffer.is_floating_point()) buffer.copy_(rand(buffer.shape) + 0.5);
            else buffer.fill_(17 + rank);
        }
        return model;
    }
}
