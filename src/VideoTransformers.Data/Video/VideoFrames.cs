namespace VideoTransformers.Data.Video;

/// <summary>
/// Decoded frames stored contiguously as <c>[Frames, Height, Width, Channels]</c> bytes
/// (time, row, column, channel), the layout FFmpeg and swscale produce.
/// </summary>
/// <param name="Data">Pixel bytes, exactly <c>Frames * Height * Width * Channels</c> long.</param>
/// <param name="Frames">Number of frames (T).</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Channels">1 for gray, 3 for RGB.</param>
public sealed record VideoFrames(byte[] Data, int Frames, int Height, int Width, int Channels)
{
    /// <summary>Bytes in one frame (<c>Height * Width * Channels</c>).</summary>
    public int FrameSize => Height * Width * Channels;

    /// <summary>The shape as <c>[T, H, W, C]</c>.</summary>
    public int[] Shape => [Frames, Height, Width, Channels];

    /// <summary>The bytes of frame <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Frames);
        return Data.AsSpan(index * FrameSize, FrameSize);
    }

    /// <summary>Checks that <see cref="Data"/> matches the shape; throws <see cref="ArgumentException"/> otherwise.</summary>
    public VideoFrames Validate()
    {
        if (Frames < 0 || Height <= 0 || Width <= 0 || (Channels != 1 && Channels != 3))
            throw new ArgumentException($"Invalid frame shape [{Frames}, {Height}, {Width}, {Channels}].");
        if ((long)Data.Length != (long)Frames * Height * Width * Channels)
            throw new ArgumentException($"Frame data holds {Data.Length} bytes but shape [{Frames}, {Height}, {Width}, {Channels}] needs {(long)Frames * FrameSize}.");
        return this;
    }

    /// <summary>A copy with the frames in reverse time order.</summary>
    public VideoFrames Reversed()
    {
        var dst = new byte[Data.Length];
        int fs = FrameSize;
        for (int t = 0; t < Frames; t++)
            Data.AsSpan(t * fs, fs).CopyTo(dst.AsSpan((Frames - 1 - t) * fs, fs));
        return this with { Data = dst };
    }
}
