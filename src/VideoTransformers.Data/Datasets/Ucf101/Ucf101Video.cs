namespace VideoTransformers.Data.Datasets;

/// <summary>A UCF101 video listed in a split file.</summary>
/// <param name="FilePath">Full path of the video.</param>
/// <param name="RelativePath">Path as written in the list, e.g. <c>ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi</c>.</param>
/// <param name="Label">Zero-based class index.</param>
/// <param name="ClassName">Class name from <c>classInd.txt</c>.</param>
public sealed record Ucf101Video(string FilePath, string RelativePath, int Label, string ClassName);
