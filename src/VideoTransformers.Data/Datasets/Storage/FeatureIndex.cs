using System.Text.Json.Serialization;

namespace VideoTransformers.Data.Datasets;

/// <summary>The JSON index written next to a <see cref="FeatureStore"/> data file.</summary>
internal sealed record FeatureIndex(
    [property: JsonPropertyName("videos")] int Videos,
    [property: JsonPropertyName("max_len")] int MaxLength,
    [property: JsonPropertyName("dim")] int Dimension,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("entries")] List<FeatureIndexEntry> Entries);
