using VideoTransformers.TestSupport;

namespace VideoTransformers.Data.Tests;

/// <summary>Paths of the real clips under the shared data folder.</summary>
internal static class TestFiles
{
    public static string KthDir => Path.GetDirectoryName(SharedData.Require("kth/00sequences.txt"))!;

    public static string KthSequencesFile => SharedData.Require("kth/00sequences.txt");

    public static string[] KthClips()
    {
        var dir = KthDir;
        var clips = Directory.GetFiles(dir).Where(f => f.EndsWith(".avi") || f.EndsWith(".mp4")).Order().ToArray();
        if (clips.Length == 0) throw new InvalidOperationException($"No KTH clips in {dir}.");
        return clips;
    }

    public static string[] Clips(string folder, string pattern)
    {
        var dir = SharedData.Require(folder);
        var files = Directory.GetFiles(dir, pattern).Order().ToArray();
        if (files.Length == 0) throw new InvalidOperationException($"No {pattern} files in {dir}.");
        return files;
    }
}
