namespace VideoTransformers.Data.Video;

/// <summary>Pixel layout of decoded frames; the numeric value is the channel count.</summary>
public enum PixelFormat
{
    /// <summary>One 8-bit luma channel.</summary>
    Gray = 1,

    /// <summary>Three 8-bit channels in R, G, B order.</summary>
    Rgb = 3,
}
