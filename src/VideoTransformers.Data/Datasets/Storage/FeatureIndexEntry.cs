using System.Text.Json.Serialization;

namespace VideoTransformers.Data.Datasets;

/// <summary>One video of a <see cref="FeatureStore"/>.</summary>
/// <param name="VideoIndex">Row of the video in the <c>[videos, max_len, dim]</c> array.</param>
/// <param name="VideoName">Name of the source video.</param>
/// <param name="VideoLength">Number of valid feature rows (the rest of the row block is zero padding).</param>
/// <param name="LabelIndex">Zero-based class label.</param>
public sealed record FeatureIndexEntry(
    [property: JsonPropertyName("video_idx")] int VideoIndex,
    [property: JsonPropertyName("video_name")] string VideoName,
    [property: JsonPropertyName("video_length")] int VideoLength,
    [property: JsonPropertyName("label_idx")] int LabelIndex);
