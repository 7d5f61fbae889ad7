using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>
/// One collated batch: inputs ([B, T, C, H, W] float32 for clips, [B, T, F] for features) and int64 labels [B].
/// The batch owns its tensors; dispose it (or let the consumer's dispose scope take it) when done.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>Creates a batch that owns <paramref name="inputs"/> and <paramref name="labels"/>.</summary>
    public Batch(Tensor inputs, Tensor labels, IReadOnlyList<int> indices, Tensor? lengths = null)
    {
        Inputs = inputs;
        Labels = labels;
        Indices = indices;
        Lengths = lengths;
    }

    /// <summary>The inputs.</summary>
    public Tensor Inputs { get; }
    /// <summary>Class labels, int64 [B].</summary>
    public Tensor Labels { get; }
    /// <summary>Valid lengths per sample (int64 [B]) for padded sequences, or null.</summary>
    public Tensor? Lengths { get; }
    /// <summary>The dataset indices of the samples, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }
    /// <summary>Batch size.</summary>
    public int Size => Indices.Count;

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
        Lengths?.Dispose();
    }
}
