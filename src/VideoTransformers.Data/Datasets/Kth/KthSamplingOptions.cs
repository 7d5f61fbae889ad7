namespace VideoTransformers.Data.Datasets;

/// <summary>
/// How a KTH sample is cut from a clip (defaults follow the KTH FrameViT study): a window of up to
/// <see cref="ClipLength"/> frames from a random start, sliced with <see cref="Step"/>, giving
/// <see cref="Frames"/> frames of <see cref="Width"/>×<see cref="Height"/> grayscale.
/// </summary>
/// <param name="ClipLength">Length of the window in source frames.</param>
/// <param name="Step">Temporal stride inside the window.</param>
/// <param name="Width">Output width.</param>
/// <param name="Height">Output height.</param>
/// <param name="UseSubsequences">When true every subsequence of <c>00sequences.txt</c> becomes its own sample and
/// windows are drawn inside it; clips the file does not list fall back to the whole clip.</param>
public sealed record KthSamplingOptions(int ClipLength = 80, int Step = 8, int Width = 64, int Height = 64, bool UseSubsequences = false)
{
    /// <summary>Frames per sample: <c>ceil(ClipLength / Step)</c> (10 for the defaults), by <see cref="FrameSlicing.Length(int, int)"/>.</summary>
    public int Frames => FrameSlicing.Length(ClipLength, Step);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for non-positive sizes.</summary>
    public KthSamplingOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ClipLength, 1, nameof(ClipLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(Step, 1, nameof(Step));
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, nameof(Height));
        return this;
    }

    /// <summary>
    /// The source frame indices of one sample taken from frames <paramref name="first"/>..<paramref name="last"/>
    /// (0-based, inclusive). The window start is uniform over the positions where a whole window fits
    /// (the middle one when <paramref name="random"/> is null). A range shorter than the window yields
    /// fewer real frames and is padded by repeating its last sampled frame, so the result always has
    /// <see cref="Frames"/> entries.
    /// </summary>
    public int[] SampleIndices(int first, int last, Random? random)
    {
        if (last < first) throw new ArgumentException($"Empty frame range {first}..{last}.");
        int length = last - first + 1;
        int maxOffset = Math.Max(0, length - ClipLength);
        int start = first + (random is null ? maxOffset / 2 : random.Next(maxOffset + 1));
        int end = Math.Min(last, start + ClipLength - 1);
        int lastReal = start + (end - start) / Step * Step;
        var idx = new int[Frames];
        for (int k = 0; k < idx.Length; k++) idx[k] = Math.Min(start + k * Step, lastReal);
        return idx;
    }
}
