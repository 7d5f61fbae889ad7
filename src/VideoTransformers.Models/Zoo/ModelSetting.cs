namespace VideoTransformers.Zoo;

/// <summary>
/// A hyper-parameter that <see cref="ModelOverrides"/> can set. Each <see cref="ModelFamily"/> says which of them it
/// has (<see cref="ModelFamily.Settings"/>); the configuration file's keys apply to the families that have theirs.
/// </summary>
public enum ModelSetting
{
    /// <summary>Square patch size; ViViT's tubelet height and width.</summary>
    PatchSize,
    /// <summary>ViViT's tubelet [t, h, w].</summary>
    TubeletSize,
    /// <summary>Token (model) dimension.</summary>
    Dim,
    /// <summary>Attention dimension, where it may differ from the token dimension.</summary>
    AttnDim,
    /// <summary>Attention heads.</summary>
    Heads,
    /// <summary>MLP hidden size.</summary>
    MlpDim,
    /// <summary>Encoder layers.</summary>
    Layers,
    /// <summary>Temporal encoder layers (ViViT's factorised encoder).</summary>
    TemporalLayers,
    /// <summary>CLS token or mean pooling.</summary>
    Pooling,
    /// <summary>LayerNorm epsilon.</summary>
    LayerNormEps,
    /// <summary>Dropout.</summary>
    Dropout,
    /// <summary>Attention dropout.</summary>
    AttnDropout,
    /// <summary>Stochastic depth of the last block.</summary>
    DropPath,
    /// <summary>Hidden size of an MLP head.</summary>
    HeadHidden,
    /// <summary>Per-frame feature size.</summary>
    FeatureDim,
    /// <summary>LSTM hidden size.</summary>
    HiddenSize,
    /// <summary>LSTM layers.</summary>
    LstmLayers,
}
