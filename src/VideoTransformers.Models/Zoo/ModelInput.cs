namespace VideoTransformers.Zoo;

/// <summary>What a model family takes as one sample.</summary>
public enum ModelInput
{
    /// <summary>Frames [T, C, H, W] (a 3-D volume is a clip whose T is its depth).</summary>
    Video,
    /// <summary>Per-frame feature vectors [T, F].</summary>
    Features,
}
