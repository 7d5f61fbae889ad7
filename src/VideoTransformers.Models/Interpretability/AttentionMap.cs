namespace VideoTransformers.Interpretability;

/// <summary>
/// Attention over the patch grid of a clip: <see cref="Frames"/> maps of <see cref="Height"/>×<see cref="Width"/>
/// weights, row-major (one map per frame, or per tubelet time step).
/// </summary>
/// <param name="Values">Frames × Height × Width weights.</param>
/// <param name="Frames">Number of maps (frames or tubelet time steps).</param>
/// <param name="Height">Patch rows.</param>
/// <param name="Width">Patch columns.</param>
/// <param name="Source">Which layer and reading produced it, e.g. "encoder.blocks.5.attn, CLS row".</param>
public sealed record AttentionMap(float[] Values, int Frames, int Height, int Width, string Source);
