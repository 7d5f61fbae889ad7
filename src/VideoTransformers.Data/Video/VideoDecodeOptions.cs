namespace VideoTransformers.Data.Video;

/// <summary>Which frames of a video to decode and how to convert them.</summary>
/// <param name="Width">Output width; 0 keeps the native width.</param>
/// <param name="Height">Output height; 0 keeps the native height.</param>
/// <param name="Format">Gray or RGB.</param>
/// <param name="Start">First frame index.</param>
/// <param name="Count">Number of frames; negative reads to the end.</param>
/// <param name="Step">Distance between decoded frames.</param>
public sealed record VideoDecodeOptions(int Width, int Height, PixelFormat Format, int Start = 0, int Count = -1, int Step = 1)
{
    /// <summary>Decodes <paramref name="reader"/> with these options.</summary>
    public VideoFrames DecodeFrom(VideoReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.Decode(Start, Count, Step, Width, Height, Format, cancellationToken);
    }

    /// <summary>A stable text form, used in cache keys.</summary>
    public string ToKey() => $"w={Width};h={Height};fmt={Format};start={Start};count={Count};step={Step}";
}
