using VideoTransformers.Blocks;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Interpretability;

/// <summary>
/// Reads where a model looks, as the model (and its attention variant) says to read it
/// (<see cref="VideoClassifier.AttentionReadoutFor"/>): usually the last spatial attention layer's weights from the CLS
/// token to every patch, or, without a CLS token, the mean attention each token receives, averaged over heads.
/// </summary>
public static class AttentionMaps
{
    /// <summary>True when <see cref="Compute"/> supports the model.</summary>
    public static bool Supports(VideoClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.AttentionReadoutFor([1, .. model.SampleShape]) is not null;
    }

    /// <summary>Runs the model on one clip [1, T, C, H, W] (eval mode, no gradients) and returns its attention map.</summary>
    public static AttentionMap Compute(VideoClassifier model, Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(clip);
        if (!Supports(model)) throw new NotSupportedException($"Attention maps are not available for {model.GetName()}.");
        var s = clip.shape;
        if (s.Length != 5 || s[0] != 1) throw new ArgumentException($"AttentionMaps expected one clip [1, T, C, H, W], got {Shapes.Format(s)}.");
        var readout = model.AttentionReadoutFor(s) ?? throw new NotSupportedException($"Attention maps are not available for {model.GetName()}.");
        var layer = model.AttentionLayers().Where(l => l.name == readout.Layer).Select(l => l.attention).SingleOrDefault()
                    ?? throw new InvalidOperationException($"{model.GetName()} has no attention layer '{readout.Layer}'.");
        var wasTraining = model.training;
        model.eval();
        layer.KeepAttention = true;
        try
        {
            using var scope = NewDisposeScope();
            using (no_grad()) model.forward(clip);
            var kept = layer.LastAttention ?? throw new InvalidOperationException($"{readout.Layer} kept no attention.");
            var values = readout.PerToken(kept).contiguous().reshape(-1).to(ScalarType.Float32).data<float>().ToArray();
            long frames = readout.Frames, gh = readout.Height, gw = readout.Width;
            if (values.Length != frames * gh * gw)
                throw new InvalidOperationException($"Attention of {readout.Layer} has {values.Length} values, expected {frames}×{gh}×{gw}.");
            return new AttentionMap(values, (int)frames, (int)gh, (int)gw, $"{readout.Layer}, {readout.Reading}");
        }
        finally
        {
            layer.KeepAttention = false;
            model.train(wasTraining);
        }
    }
}
