namespace VideoTransformers.Models;

/// <summary>Configuration of <see cref="TimeSformer"/>.</summary>
public sealed record TimeSformerConfig
{
    /// <summary>Attention scheme (one of <see cref="TimeSformerAttention.All"/>; specs store its id).</summary>
    public TimeSformerAttention Attention { get; init; } = TimeSformerAttention.DividedSpaceTime;
    /// <summary>Frames per clip.</summary>
    public long Frames { get; init; } = 8;
    /// <summary>Frame height.</summary>
    public long ImageHeight { get; init; } = 224;
    /// <summary>Frame width.</summary>
    public long ImageWidth { get; init; } = 224;
    /// <summary>Channels.</summary>
    public long Channels { get; init; } = 3;
    /// <summary>Square patch size.</summary>
    public long PatchSize { get; init; } = 16;
    /// <summary>Model dimension (d_model).</summary>
    public long Dim { get; init; } = 768;
    /// <summary>Heads.</summary>
    public long Heads { get; init; } = 12;
    /// <summary>MLP hidden size (d_mlp).</summary>
    public long MlpDim { get; init; } = 3072;
    /// <summary>Layers.</summary>
    public int Layers { get; init; } = 12;
    /// <summary>Classes.</summary>
    public long Classes { get; init; } = 400;
    /// <summary>LayerNorm epsilon (1e-6 in facebookresearch and HF).</summary>
    public double LayerNormEps { get; init; } = 1e-6;
    /// <summary>GELU form.</summary>
    public string Gelu { get; init; } = "none";
    /// <summary>Bias in the Q/K/V projection.</summary>
    public bool QkvBias { get; init; } = true;
    /// <summary>Dropout.</summary>
    public double Dropout { get; init; }
    /// <summary>Attention dropout.</summary>
    public double AttnDropout { get; init; }
    /// <summary>Stochastic depth of the last block.</summary>
    public double DropPath { get; init; }
    /// <summary>MLP head hidden size (the UCF101 TimeSformer study's MLP head), or null for a linear head.</summary>
    public long? HeadHidden { get; init; }

    /// <summary>The UCF101 TimeSformer study: 224×224×3, 8 frames, patch 16, d_model 512, 4 heads, d_mlp 512, 2 layers, 101 classes, MLP head.</summary>
    public static TimeSformerConfig SeedUcf101 => new()
    {
        Frames = 8, ImageHeight = 224, ImageWidth = 224, Channels = 3, PatchSize = 16, Dim = 512, Heads = 4, MlpDim = 512, Layers = 2,
        Classes = 101, HeadHidden = 512,
    };

    /// <summary>TimeSformer-Base on Kinetics-400 (the published checkpoint's architecture).</summary>
    public static TimeSformerConfig BaseK400 => new();
}
