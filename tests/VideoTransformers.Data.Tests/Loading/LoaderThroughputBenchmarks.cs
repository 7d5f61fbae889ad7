using System.Diagnostics;
using System.Globalization;
using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using Xunit;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Loading;

/// <summary>
/// Loader throughput, opt-in: <c>VT_BENCH=1 dotnet test ... --filter Category=Benchmark --logger "console;verbosity=detailed"</c>.
/// The figures go to the test output; nothing asserts on time. They run alone because they change the torch thread count.
/// </summary>
[Trait("Category", "Benchmark")]
[Collection(nameof(TensorCountCollection))]
public class LoaderThroughputBenchmarks
{
    private static readonly TimeSpan MinimumMeasure = TimeSpan.FromSeconds(3);
    private readonly ITestOutputHelper _output;

    public LoaderThroughputBenchmarks(ITestOutputHelper output) => _output = output;

    private static void RequireOptIn() =>
        Skip.IfNot(Environment.GetEnvironmentVariable("VT_BENCH") == "1", "Loader benchmarks are opt-in: set VT_BENCH=1.");

    [SkippableFact]
    public void Kth_clips_from_a_warm_frame_cache()
    {
        RequireOptIn();
        var layout = KthLayout.Discover(TestFiles.KthDir);
        var sequences = KthSequences.Load(TestFiles.KthSequencesFile);
        // Every subsequence is a sample, so the six real clips give a couple of dozen samples per epoch.
        var options = new KthSamplingOptions(UseSubsequences: true);
        using var dir = new TempDir();
        var cold = Stopwatch.StartNew();
        Preprocessing.BuildKthFrameCache(layout.Clips, options, dir.Path).Dispose();
        _output.WriteLine($"KTH frame cache: {layout.Clips.Count} clips decoded to 64x64 gray in {cold.Elapsed.TotalSeconds:F2} s");
        using var cache = Preprocessing.BuildKthFrameCache(layout.Clips, options, dir.Path);
        cache.WasBuilt.Should().BeFalse();
        var kth = new KthDataset(layout.Clips, options, sequences, cache);
        // Repeating the samples gives epochs of realistic length, so per-epoch start-up does not dominate.
        var ds = new VideoDatasetSubset(kth, Enumerable.Range(0, 20).SelectMany(_ => Enumerable.Range(0, kth.Count)));
        Measure("KTH [10,1,64,64]", ds, [10, 1, 64, 64]);
    }

    [SkippableFact]
    public void Synthetic_motion_clips()
    {
        RequireOptIn();
        var ds = new SyntheticMotion(new SyntheticMotionOptions(SamplesPerClass: 32));
        Measure("Synthetic [16,1,32,32]", ds, [16, 1, 32, 32]);
    }

    private void Measure(string name, IVideoDataset ds, long[] clipShape)
    {
        int threadsBefore = get_num_threads();
        _output.WriteLine($"{name}: {ds.Count} samples per epoch, {Environment.ProcessorCount} cores, torch threads {threadsBefore} by default, load average {LoadAverage()}");
        _output.WriteLine("transform                workers  torch-threads  clips/s");
        try
        {
            foreach (var (label, transform) in new (string, ClipTransform?)[] { ("none", null), ("flip+rotate(seed 000)", TransformPresets.Seed000Spatial()) })
            foreach (var (workers, threads) in new[] { (0, 1), (0, 2), (1, 1), (2, 1) })
            {
                set_num_threads(threads);
                using var loader = new DataLoader(ds, new DataLoaderOptions(8, Workers: workers, Prefetch: 4), transform);
                var shape = Run(loader, 0).Shape;
                shape.Skip(1).Should().Equal(clipShape);
                int clips = 0, epoch = 1;
                var sw = Stopwatch.StartNew();
                while (sw.Elapsed < MinimumMeasure || epoch < 3) clips += Run(loader, epoch++).Clips;
                double rate = clips / sw.Elapsed.TotalSeconds;
                _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-24} {workers,7} {threads,14} {rate,8:F0}"));
            }
        }
        finally
        {
            set_num_threads(threadsBefore);
        }
    }

    // Other builds share the machine; the load average says how far to trust the figures.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static (int Clips, long[] Shape) Run(IBatchSource source, int epoch)
    {
        int clips = 0;
        long[] shape = [];
        foreach (var b in source.GetBatches(epoch))
        {
            using (b)
            {
                clips += b.Size;
                shape = b.Inputs.shape;
            }
        }
        return (clips, shape);
    }
}
