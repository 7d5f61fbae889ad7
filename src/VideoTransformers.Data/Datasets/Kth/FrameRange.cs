namespace VideoTransformers.Data.Datasets;

/// <summary>An inclusive range of 1-based frame numbers, as written in KTH's <c>00sequences.txt</c>.</summary>
/// <param name="First">First frame number (1-based).</param>
/// <param name="Last">Last frame number (1-based, inclusive).</param>
public sealed record FrameRange(int First, int Last)
{
    /// <summary>Number of frames in the range.</summary>
    public int Length => Last - First + 1;

    /// <summary>The first frame as a 0-based decoder index.</summary>
    public int StartIndex => First - 1;

    /// <summary>The last frame as a 0-based decoder index.</summary>
    public int EndIndex => Last - 1;

    /// <inheritdoc />
    public override string ToString() => $"{First}-{Last}";
}
