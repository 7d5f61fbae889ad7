namespace VideoTransformers.Data.Video;

/// <summary>A file of a batch that could not be decoded and was skipped.</summary>
/// <param name="Index">Position of the file in the input list.</param>
/// <param name="FilePath">The file.</param>
/// <param name="Error">Why it failed.</param>
public sealed record SkippedVideo(int Index, string FilePath, Exception Error);
