using System.Text.Json;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Cli;

/// <summary><c>vt info</c>: what ffprobe says about each video, as one JSON object per line.</summary>
public static class InfoCommand
{
    /// <summary>The text of <c>vt info --help</c>.</summary>
    public const string Usage = """
        vt info VIDEO...
          Prints one JSON object per file, one per line: file, frames, fps, width, height, codec. The frame count is
          the number of decoded pictures (DivX "frame skipped" packets are not frames). A file that cannot be read is
          reported on stderr, the others are still printed, and the exit code is 1. Needs ffprobe (apt/winget/brew
          install ffmpeg).
        """;

    /// <summary>Runs <c>vt info</c> on its arguments; returns the exit code.</summary>
    public static int Run(string[] argv)
    {
        var a = new Args(argv, Array.Empty<string>(), Array.Empty<string>());
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (a.Positionals.Count == 0) throw new UsageException($"Expected at least one video.\n\n{Usage}");
        int rc = 0;
        foreach (var path in a.Positionals)
        {
            try
            {
                var info = VideoReader.Probe(path);
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["file"] = info.FilePath, ["frames"] = info.FrameCount, ["fps"] = Math.Round(info.Fps, 6),
                    ["width"] = info.Width, ["height"] = info.Height, ["codec"] = info.Codec,
                }));
            }
            catch (IOException e)
            {
                // One bad file does not hide the others' metadata.
                Console.Error.WriteLine($"error: {e.Message}");
                rc = 1;
            }
        }
        return rc;
    }
}
