using System.Diagnostics;
using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Benchmarks;

/// <summary>
/// <c>decode</c> mode: frames per second of the FFmpeg-tools decoder (<see cref="VideoReader"/>, our Process wrapper)
/// against the same ffprobe/ffmpeg commands run through FFMpegCore, side by side in one run, with the same number of
/// files decoded at once (the loader's workers), and the bare cost of starting one ffprobe. FFMpegCore's pixels are
/// checked against ours before timing. The old in-process decoder was measured by this benchmark too, until it was
/// deleted (commit 8c03a56); its figures are in docs/performance.md.
/// </summary>
internal static class DecodeBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One unit of loader work: open a file and decode some of its frames.</summary>
    private sealed record Job(string Path, int Start, int Count, int Width, int Height, PixelFormat Format);

    private sealed record Variant(string Name, Func<Job, byte[]> Run);

    public static int Run(string[] args)
    {
        int repeats = 5, workers = 2;
        string data = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--repeats": repeats = int.Parse(Next(), Inv); break;
                case "--workers": workers = int.Parse(Next(), Inv); break;
                case "--data": data = Path.GetFullPath(Next()); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (!Directory.Exists(Path.Combine(data, "kth"))) throw new ArgumentException($"no shared data at '{data}' (use --data DIR)");

        var kth = Directory.GetFiles(Path.Combine(data, "kth")).Where(f => f.EndsWith(".avi") || f.EndsWith(".mp4")).Order()
            .Select(f => new Job(f, 0, -1, 64, 64, PixelFormat.Gray)).ToArray();
        // A UCF101 sample is a 16-frame clip; four clips per video as a clip sampler would draw them.
        var ucf = Directory.GetFiles(Path.Combine(data, "ucf101"), "*.avi").Order()
            .SelectMany(f => new[] { 0, 64, 128, 192 }.Select(s => new Job(f, s, 16, 112, 112, PixelFormat.Rgb))).ToArray();

        Variant[] variants =
        [
            new("ffmpeg tools, own wrapper", OwnWrapper),
            new("ffmpeg tools, FFMpegCore", WithFFMpegCore),
        ];
        Console.WriteLine($"decode benchmark: {Environment.ProcessorCount} logical CPUs, {workers} files at once, one decoder thread each, " +
                          $"median of {repeats} rounds (variants interleaved in every round)");
        var startup = Enumerable.Range(0, 11).Select(_ => StartFFprobe()).ToList();
        Console.WriteLine($"starting ffprobe -version and waiting for it: median {Median(startup) * 1000:F0} ms");
        Console.WriteLine($"{"workload",-36} {"variant",-28} {"frames",7} {"median s",9} {"frames/s",9} {"vs own",7}");
        foreach (var (name, jobs) in new[] { ("KTH, all frames, 64x64 gray", kth), ("UCF101, 16-frame clips, 112x112 RGB", ucf) })
        {
            var reference = jobs.Select(OwnWrapper).ToArray();
            foreach (var v in variants.Skip(1))
                for (int j = 0; j < jobs.Length; j++)
                    if (!v.Run(jobs[j]).AsSpan().SequenceEqual(reference[j]))
                        throw new InvalidOperationException($"{v.Name} decodes {jobs[j]} differently from VideoReader");
            long frames = reference.Sum(r => r.Length) / (jobs[0].Width * jobs[0].Height * (int)jobs[0].Format);
            var seconds = variants.ToDictionary(v => v.Name, _ => new List<double>());
            for (int r = 0; r < repeats; r++)
                foreach (var v in r % 2 == 0 ? variants : variants.Reverse().ToArray())
                    seconds[v.Name].Add(Time(jobs, v.Run, workers));
            double baseFps = frames / Median(seconds[variants[0].Name]);
            foreach (var v in variants)
            {
                double s = Median(seconds[v.Name]), fps = frames / s;
                Console.WriteLine($"{name,-36} {v.Name,-28} {frames,7} {s,9:F3} {fps,9:F0} {fps / baseFps,7:P0}");
            }
        }
        return 0;
    }

    private static double Time(Job[] jobs, Func<Job, byte[]> run, int workers)
    {
        var sw = Stopwatch.StartNew();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = workers }, j => run(j));
        return sw.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static int[] Indices(Job j) => Enumerable.Range(j.Start, j.Count).ToArray();

    private static double StartFFprobe()
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("ffprobe", ["-version"]) { RedirectStandardOutput = true })!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return sw.Elapsed.TotalSeconds;
    }

    private static byte[] OwnWrapper(Job j)
    {
        using var r = VideoReader.Open(j.Path);
        return (j.Count < 0 ? r.Decode(0, -1, 1, j.Width, j.Height, j.Format) : r.DecodeIndices(Indices(j), j.Width, j.Height, j.Format)).Data;
    }

    // The same ffprobe metadata and ffmpeg command line, run through FFMpegCore (which pipes through a named pipe).
    private static byte[] WithFFMpegCore(Job j)
    {
        var info = FFProbe.Analyse(j.Path);
        if (info.PrimaryVideoStream is null) throw new InvalidOperationException("no video stream");
        string fmt = j.Format == PixelFormat.Gray ? "gray" : "rgb24";
        string select = j.Count < 0 ? "" : $"select='between(n,{j.Start},{j.Start + j.Count - 1})',";
        string frames = j.Count < 0 ? "" : $" -frames:v {j.Count}";
        using var ms = new MemoryStream();
        FFMpegArguments.FromFileInput(j.Path, true, o => o.WithCustomArgument("-threads 1"))
            .OutputToPipe(new StreamPipeSink(ms), o => o
                .WithCustomArgument($"-map 0:v:0 -an -filter_threads 1 -vf {select}scale=w={j.Width}:h={j.Height}:flags=area,format={fmt} -fps_mode passthrough{frames}")
                .ForceFormat("rawvideo").WithCustomArgument($"-pix_fmt {fmt}"))
            .ProcessSynchronously();
        return ms.ToArray();
    }
}
