using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>
/// Base of every model in the zoo: a module from a clip (video [B, T, C, H, W] or features [B, T, F]) to logits
/// [B, classes], with its analytic cost.
/// </summary>
public abstract class VideoClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the model.</summary>
    protected VideoClassifier(string name) : base(name) { }

    /// <summary>The shape of one input sample, without the batch dimension ([T, C, H, W] or [T, F]).</summary>
    public abstract long[] SampleShape { get; }

    /// <summary>Number of output classes.</summary>
    public abstract long NumClasses { get; }

    /// <summary>
    /// Floating-point operations of one forward pass over one clip (a multiply-add counts as 2), from the
    /// matrix products, attention and convolutions; norms, softmax and element-wise ops are left out.
    /// </summary>
    public abstract long FlopsPerClip { get; }

    /// <summary>The attention layers whose maps can be kept (<see cref="Blocks.SelfAttention.KeepAttention"/>), with names.</summary>
    public virtual IEnumerable<(string name, Blocks.SelfAttention attention)> AttentionLayers()
    {
        foreach (var (name, module) in named_modules())
            if (module is Blocks.SelfAttention attention) yield return (name, attention);
    }

    /// <summary>
    /// How <see cref="Interpretability.AttentionMaps"/> reads this model's attention map for a clip of shape
    /// <paramref name="clipShape"/> ([1, T, C, H, W]), or null when the model has none to show.
    /// </summary>
    public virtual Interpretability.AttentionReadout? AttentionReadoutFor(long[] clipShape) => null;
}
