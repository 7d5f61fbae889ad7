using VideoTransformers.Blocks;

namespace VideoTransformers.Zoo;

/// <summary>
/// Hyper-parameters to change in a <see cref="ModelSpec"/>, whatever its family: null leaves a value as it is.
/// <see cref="ModelFamily.Apply"/> maps each to the family's configuration and ignores the ones the family does not have
/// (see <see cref="ModelFamily.Settings"/>). The configuration file and <c>vt train --drop-path</c> go through it.
/// </summary>
public sealed record ModelOverrides
{
    /// <summary>Square patch size; for ViViT the tubelet's height and width (unless <see cref="TubeletSize"/> is given).</summary>
    public long? PatchSize { get; init; }
    /// <summary>ViViT tubelet [t, h, w].</summary>
    public IReadOnlyList<long>? TubeletSize { get; init; }
    /// <summary>Token dimension.</summary>
    public long? Dim { get; init; }
    /// <summary>Attention dimension (FrameViT; it follows <see cref="Dim"/> when only that is given).</summary>
    public long? AttnDim { get; init; }
    /// <summary>Heads.</summary>
    public long? Heads { get; init; }
    /// <summary>MLP hidden size.</summary>
    public long? MlpDim { get; init; }
    /// <summary>Encoder layers.</summary>
    public int? Layers { get; init; }
    /// <summary>Temporal encoder layers.</summary>
    public int? TemporalLayers { get; init; }
    /// <summary>Pooling.</summary>
    public Pooling? Pooling { get; init; }
    /// <summary>LayerNorm epsilon.</summary>
    public double? LayerNormEps { get; init; }
    /// <summary>Dropout.</summary>
    public double? Dropout { get; init; }
    /// <summary>Attention dropout.</summary>
    public double? AttnDropout { get; init; }
    /// <summary>Stochastic depth of the last block.</summary>
    public double? DropPath { get; init; }
    /// <summary>MLP head hidden size.</summary>
    public long? HeadHidden { get; init; }
    /// <summary>Per-frame feature size.</summary>
    public long? FeatureDim { get; init; }
    /// <summary>LSTM hidden size.</summary>
    public long? HiddenSize { get; init; }
    /// <summary>LSTM layers.</summary>
    public long? LstmLayers { get; init; }
}
