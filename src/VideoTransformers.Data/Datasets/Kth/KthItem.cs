namespace VideoTransformers.Data.Datasets;

/// <summary>One sample source of a <see cref="KthDataset"/>: a clip, or one subsequence of it.</summary>
/// <param name="Clip">The clip.</param>
/// <param name="Range">The subsequence, or null for the whole clip.</param>
public sealed record KthItem(KthClip Clip, FrameRange? Range);
