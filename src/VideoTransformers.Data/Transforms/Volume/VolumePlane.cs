namespace VideoTransformers.Data.Transforms;

/// <summary>A plane of a volume <c>[D, C, H, W]</c>, named by the two axes it spans.</summary>
public enum VolumePlane
{
    /// <summary>The height–width plane (axes 2 and 3): turns every slice.</summary>
    HeightWidth,

    /// <summary>The depth–height plane (axes 0 and 2).</summary>
    DepthHeight,

    /// <summary>The depth–width plane (axes 0 and 3).</summary>
    DepthWidth,
}
