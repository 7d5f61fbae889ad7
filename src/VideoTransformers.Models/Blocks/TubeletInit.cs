namespace VideoTransformers.Blocks;

/// <summary>How <see cref="TubeletEmbedding.InitializeFrom2D"/> inflates a 2-D patch-embedding kernel (ViViT §3.4).</summary>
public enum TubeletInit
{
    /// <summary>Replicate the 2-D kernel over time and divide by t (filter inflation, as in I3D).</summary>
    FilterInflation,
    /// <summary>Put the 2-D kernel at the central frame, zeros elsewhere (central-frame initialisation).</summary>
    CentralFrame,
}
