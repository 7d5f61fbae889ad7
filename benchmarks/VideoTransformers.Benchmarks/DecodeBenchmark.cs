using System.Diagnostics;
using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Benchmarks;

/// <summary>
/// <c>decode</c> mode: frames per second of the FFmpeg-tools decoder's paths side by side in one run, with the same
/// number of workers (files decoded at once, one decoder thread each): per file (ffprobe, then ffmpeg, as
/// <see cref="VideoReader"/> without its probe cache), the same commands through FFMpegCore, the probe cache, and the
/// batched path (<see cref="VideoBatchDecoder"/>: several files per ffmpeg run, no ffprobe). Every variant's frames
/// are checked against the per-file path's before timing. The old in-process decoder was measured against these
/// with a copy of this benchmark at commit 8c03a56 (it was deleted after); its figures are in docs/performance.md.
/// </summary>
internal static class DecodeBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string Baseline = "per file";

    private static Variant[] Common =>
    [
        new("per file: ffprobe + ffmpeg", PerFile),
        new("per file through FFMpegCore", (jobs, w) => PerJob(jobs, w, WithFFMpegCore)),
    ];

    /// <summary>One unit of loader work: open a file and decode some of its frames.</summary>
    private sealed record Job(string Path, int Start, int Count, int Width, int Height, PixelFormat Format);

    /// <summary>A way to do a whole workload with a number of workers; returns each job's frames.</summary>
    private sealed record Variant(string Name, Func<Job[], int, byte[][]> Run);

    public static int Run(string[] args)
    {
        int repeats = 5, workers = 2;
        string? only = null, skip = null;
        string data = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--repeats": repeats = int.Parse(Next(), Inv); break;
                case "--workers": workers = int.Parse(Next(), Inv); break;
                case "--data": data = Path.GetFullPath(Next()); break;
                case "--only": only = Next(); break;
                case "--skip": skip = Next(); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (!Directory.Exists(Path.Combine(data, "kth"))) throw new ArgumentException($"no shared data at '{data}' (use --data DIR)");

        var kth = Directory.GetFiles(Path.Combine(data, "kth")).Where(f => f.EndsWith(".avi") || f.EndsWith(".mp4")).Order()
            .Select(f => new Job(f, 0, -1, 64, 64, PixelFormat.Gray)).ToArray();
        // The same 6 clips 10 times over: a stand-in for a frame-cache build over many files (KTH has 599).
        var kth60 = Enumerable.Repeat(kth, 10).SelectMany(j => j).ToArray();
        // A UCF101 sample is a 16-frame clip; four clips per video as a clip sampler would draw them.
        var ucf = Directory.GetFiles(Path.Combine(data, "ucf101"), "*.avi").Order()
            .SelectMany(f => new[] { 0, 64, 128, 192 }.Select(s => new Job(f, s, 16, 112, 112, PixelFormat.Rgb))).ToArray();
        var ucfWhole = Enumerable.Repeat(ucf.Select(j => j.Path).Distinct().ToArray(), 10).SelectMany(p => p)
            .Select(f => new Job(f, 0, -1, 112, 112, PixelFormat.Rgb)).ToArray();

        Console.WriteLine($"decode benchmark: {Environment.ProcessorCount} logical CPUs, {workers} workers (files at once), one decoder thread each, " +
                          $"median of {repeats} rounds (variants interleaved in every round)");
        Console.WriteLine($"load before: {Load()}");
        var startup = Enumerable.Range(0, 11).Select(_ => StartFFprobe()).ToList();
        Console.WriteLine($"starting ffprobe -version and waiting for it: median {Median(startup) * 1000:F0} ms");
        Console.WriteLine($"{"workload",-40} {"variant",-52} {"frames",7} {"median s",9} {"frames/s",9} {"vs " + Baseline,14}");
        var workloads = new (string Name, Job[] Jobs, Variant[] Variants)[]
        {
            ("KTH 6 clips, all frames, 64x64 gray", kth, [.. Common, new("batched: one ffmpeg per worker, no ffprobe", Batched)]),
            ("UCF101 2 clips x 4 x 16 frames, 112x112 RGB", ucf,
                [.. Common, new("ffprobe cached, one ffmpeg per sample", ProbeCached),
                 new("batched whole files, then 4 slices each", BatchedWholeThenSlice)]),
            ("KTH 60 files (6 clips x 10), 64x64 gray", kth60, [.. Common, new("batched: up to 16 files per ffmpeg run", Batched)]),
            // What a UCF101 frame cache build decodes: whole videos, 8 files per run as FrameCache does.
            ("UCF101 20 files (2 clips x 10), whole, 112x112 RGB", ucfWhole, [.. Common, new("batched: up to 8 files per ffmpeg run", (j, w) => Batched(j, w, 8))]),
        };
        foreach (var (name, jobs, all) in workloads)
        {
            // --only picks workloads and --skip drops variants by a part of their names (the first variant stays the baseline).
            if (only is not null && !name.Contains(only, StringComparison.Ordinal)) continue;
            var variants = all.Where((v, k) => k == 0 || skip is null || !v.Name.Contains(skip, StringComparison.Ordinal)).ToArray();
            var reference = variants[0].Run(jobs, workers);
            foreach (var v in variants.Skip(1))
            {
                var got = v.Run(jobs, workers);
                for (int j = 0; j < jobs.Length; j++)
                    if (!got[j].AsSpan().SequenceEqual(reference[j]))
                        throw new InvalidOperationException($"{v.Name} decodes {jobs[j]} differently from {variants[0].Name}");
            }
            long frames = reference.Sum(r => (long)r.Length) / (jobs[0].Width * jobs[0].Height * (int)jobs[0].Format);
            var seconds = variants.ToDictionary(v => v.Name, _ => new List<double>());
            for (int r = 0; r < repeats; r++)
                foreach (var v in r % 2 == 0 ? variants : variants.Reverse().ToArray())
                {
                    var sw = Stopwatch.StartNew();
                    v.Run(jobs, workers);
                    seconds[v.Name].Add(sw.Elapsed.TotalSeconds);
                }
            double baseFps = frames / Median(seconds[variants[0].Name]);
            foreach (var v in variants)
            {
                double s = Median(seconds[v.Name]), fps = frames / s;
                Console.WriteLine($"{name,-40} {v.Name,-52} {frames,7} {s,9:F3} {fps,9:F0} {fps / baseFps,14:P0}");
            }
        }
        Console.WriteLine($"load after: {Load()}");
        return 0;
    }

    private static byte[][] PerJob(Job[] jobs, int workers, Func<Job, byte[]> run)
    {
        var results = new byte[jobs.Length][];
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, j => results[j] = run(jobs[j]));
        return results;
    }

    // What the repository did before batching: ffprobe, then ffmpeg, for every job (the probe cache is emptied first).
    private static byte[][] PerFile(Job[] jobs, int workers) => PerJob(jobs, workers, j =>
    {
        VideoReader.ClearProbeCache();
        return DecodeWith(j);
    });

    // A sampler's access with the probe cache: ffprobe once per file (the cache starts empty), one ffmpeg per sample.
    private static byte[][] ProbeCached(Job[] jobs, int workers)
    {
        VideoReader.ClearProbeCache();
        return PerJob(jobs, workers, DecodeWith);
    }

    private static byte[] DecodeWith(Job j)
    {
        using var r = VideoReader.Open(j.Path);
        return (j.Count < 0 ? r.Decode(0, -1, 1, j.Width, j.Height, j.Format) : r.DecodeIndices(Indices(j), j.Width, j.Height, j.Format)).Data;
    }

    // The frame cache's way: VideoBatchDecoder over all files, several per ffmpeg run and no ffprobe.
    private static byte[][] Batched(Job[] jobs, int workers) => Batched(jobs, workers, 16);

    private static byte[][] Batched(Job[] jobs, int workers, int filesPerRun)
    {
        var j0 = jobs[0];
        var result = new VideoBatchDecoder(new VideoDecodeOptions(j0.Width, j0.Height, j0.Format), maxDegreeOfParallelism: workers) { MaxFilesPerRun = filesPerRun }
            .DecodeAll(jobs.Select(j => j.Path).ToArray());
        if (result.Skipped.Count > 0) throw new InvalidOperationException($"skipped {result.Skipped[0].FilePath}: {result.Skipped[0].Error.Message}");
        return result.Videos.Select(v => v.Frames.Data).ToArray();
    }

    // Decode each distinct file whole (batched), then cut every sample out of it: a frame cache's first epoch.
    private static byte[][] BatchedWholeThenSlice(Job[] jobs, int workers)
    {
        var files = jobs.Select(j => j.Path).Distinct().ToArray();
        var j0 = jobs[0];
        var result = new VideoBatchDecoder(new VideoDecodeOptions(j0.Width, j0.Height, j0.Format), maxDegreeOfParallelism: workers).DecodeAll(files);
        var byPath = result.Videos.ToDictionary(v => v.FilePath, v => v.Frames);
        return jobs.Select(j =>
        {
            var f = byPath[j.Path];
            return f.Data.AsSpan(j.Start * f.FrameSize, j.Count * f.FrameSize).ToArray();
        }).ToArray();
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static int[] Indices(Job j) => Enumerable.Range(j.Start, j.Count).ToArray();

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static double StartFFprobe()
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("ffprobe", ["-version"]) { RedirectStandardOutput = true })!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return sw.Elapsed.TotalSeconds;
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
