using System.Text.Json.Serialization;

namespace VideoTransformers.Data.Datasets;

/// <summary>The JSON manifest of a <see cref="FrameCache"/>.</summary>
internal sealed record FrameCacheManifest(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("options")] string Options,
    [property: JsonPropertyName("total_bytes")] long TotalBytes,
    [property: JsonPropertyName("entries")] List<FrameCacheEntry> Entries);
