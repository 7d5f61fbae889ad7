namespace VideoTransformers.Data.Video;

/// <summary>Frames <c>Start, Start + Step, …</c>: <c>Count</c> of them, or all to the end when it is negative.</summary>
internal readonly record struct FrameRun(int Start, int Step, int Count)
{
    /// <summary>How many of the run's frames exist in a video of <paramref name="frameCount"/> frames.</summary>
    public int Available(int frameCount)
    {
        int toEnd = Start < frameCount ? (frameCount - Start + Step - 1) / Step : 0;
        return Count < 0 ? toEnd : Math.Min(Count, toEnd);
    }

    /// <summary>The run as an FFmpeg <c>select</c> expression over the decoded frame number <c>n</c>.</summary>
    public string ToSelectExpression()
    {
        if (Count == 1) return $"eq(n,{Start})";
        string range = Count < 0 ? $"gte(n,{Start})" : $"between(n,{Start},{Start + (long)(Count - 1) * Step})";
        return Step == 1 ? range : $"{range}*not(mod(n-{Start},{Step}))";
    }

    /// <summary>Splits sorted, distinct frame indices into arithmetic runs.</summary>
    public static List<FrameRun> FromSortedIndices(IReadOnlyList<int> sorted)
    {
        var runs = new List<FrameRun>();
        for (int i = 0; i < sorted.Count;)
        {
            int step = i + 1 < sorted.Count ? sorted[i + 1] - sorted[i] : 1;
            int j = i + 1;
            while (j < sorted.Count && sorted[j] - sorted[j - 1] == step) j++;
            runs.Add(new FrameRun(sorted[i], step, j - i));
            i = j;
        }
        return runs;
    }
}
