using System.Text.Json;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Tests.Video;

/// <summary>
/// What the old in-process decoder (native shim, video.cpp, FFmpeg 5.1) gave on each real clip, recorded before it
/// was deleted: the frame count, per-frame means of the 64x64 gray and 112x112 RGB decodes, and the middle 64x64
/// gray frame's pixels.
/// </summary>
internal sealed record DecoderReference(string Clip, int Frames, double Fps, int Width, int Height,
    double[] Gray64Means, double[] Rgb112Means, string Gray64MidFrame)
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Video", "Reference", "old-decoder.json");

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static IReadOnlyList<DecoderReference> Load() =>
        JsonSerializer.Deserialize<List<DecoderReference>>(File.ReadAllText(FilePath), Json)
        ?? throw new InvalidDataException($"{FilePath} is empty.");

    public static void Save(string path, IReadOnlyList<DecoderReference> refs) => File.WriteAllText(path, JsonSerializer.Serialize(refs, Json));

    /// <summary>The reference entry's values computed from decoded frames.</summary>
    public static DecoderReference From(string clip, int frames, double fps, int width, int height, VideoFrames gray64, VideoFrames rgb112) =>
        new(clip, frames, fps, width, height, FrameMeans(gray64), FrameMeans(rgb112),
            Convert.ToBase64String(gray64.Frame(gray64.Frames / 2)));

    /// <summary>Mean of every channel of every frame, frame-major, rounded to 3 decimals.</summary>
    public static double[] FrameMeans(VideoFrames v)
    {
        var means = new double[v.Frames * v.Channels];
        for (int t = 0; t < v.Frames; t++)
        {
            var f = v.Frame(t);
            for (int c = 0; c < v.Channels; c++)
            {
                long sum = 0;
                for (int p = c; p < f.Length; p += v.Channels) sum += f[p];
                means[t * v.Channels + c] = Math.Round((double)sum * v.Channels / f.Length, 3);
            }
        }
        return means;
    }
}
