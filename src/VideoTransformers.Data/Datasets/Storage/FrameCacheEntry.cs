using System.Text.Json.Serialization;

namespace VideoTransformers.Data.Datasets;

/// <summary>Where one video's frames lie in a <see cref="FrameCache"/> data file.</summary>
/// <param name="SourcePath">Full path of the source video.</param>
/// <param name="Offset">Byte offset of the first frame.</param>
/// <param name="Frames">Number of frames.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Width">Frame width.</param>
/// <param name="Channels">1 (gray) or 3 (RGB).</param>
/// <param name="Fps">Source frame rate.</param>
public sealed record FrameCacheEntry(
    [property: JsonPropertyName("source")] string SourcePath,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("frames")] int Frames,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("channels")] int Channels,
    [property: JsonPropertyName("fps")] double Fps)
{
    /// <summary>Bytes this video occupies.</summary>
    [JsonIgnore]
    public long ByteLength => (long)Frames * Height * Width * Channels;
}
