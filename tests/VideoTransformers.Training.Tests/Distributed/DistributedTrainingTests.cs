using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using static VideoTransformers.Torch.torch;
using static VideoTransformers.Training.Tests.Distributed.DistributedSupport;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>Data-parallel training through the Trainer: in-process with a world of one, and across worker processes.</summary>
[Collection(GlobalTorchState.Name)]
public class DistributedTrainingTests
{
    // Generous: a hang is what this guards against, not slowness on a loaded 2-core machine.
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(4);

    [SkippableTheory]
    [InlineData(null)]
    [InlineData(0.9)]
    public void A_world_of_one_trains_exactly_like_a_single_process_and_writes_the_run(double? emaDecay)
    {
        RequireGloo();
        var config = new TrainingConfig
        {
            Epochs = 2, Optimizer = OptimizerKind.AdamW, LearningRate = 2e-3, WeightDecay = 0.05, GradClipNorm = 0.5, LabelSmoothing = 0.1, Seed = 9,
            EmaDecay = emaDecay,
        };
        using var dir = new TempDir();
        using var train = TinyTask.Source(10, 4, batchSize: 4, shuffleSeed: 2);
        manual_seed(8);
        using var single = TinyTask.Model();
        using var parallel = TinyTask.CopyOf(single);

        RunResult plain, solo;
        using (var t = new Trainer(single, config, new TrainerOptions { RunDirectory = dir.Sub("plain") }))
            plain = t.Fit(train);
        using (var group = SoloGroup())
        using (var t = new Trainer(parallel, config, new TrainerOptions { RunDirectory = dir.Sub("solo"), Distributed = group }))
            solo = t.Fit(train);

        TinyTask.SameWeights(single, parallel).Should().BeTrue();
        solo.GlobalStep.Should().Be(plain.GlobalStep);
        solo.History.Select(h => h.TrainAccuracy).Should().Equal(plain.History.Select(h => h.TrainAccuracy));
        solo.History.Select(h => h.TrainLoss).Should().Equal(plain.History.Select(h => h.TrainLoss), (a, b) => Math.Abs(a - b) < 1e-12);
        File.Exists(dir.File("solo/last.safetensors")).Should().BeTrue();
        File.ReadAllLines(dir.File("solo/metrics.csv")).Should().HaveCount(3);
    }

    [SkippableFact]
    public async Task Two_ranks_end_with_identical_weights_equal_to_one_process_on_the_combined_batches()
    {
        RequireGloo();
        using var dir = new TempDir();
        var port = FreePort();
        // 21 clips in global batches of 8: the last batch (5) splits 3/2, so the n/N weighting is exercised too.
        string[] common = ["--epochs", "2", "--clips", "21", "--batch", "8", "--timeout-seconds", "120"];
        using var rank0 = new WorkerProcess("rank 0", ["--rank", "0", "--world", "2", "--master", $"127.0.0.1:{port}", "--out", dir.Sub("rank0"), .. common]);
        using var rank1 = new WorkerProcess("rank 1 (torchrun variables)", ["--out", dir.Sub("rank1"), .. common], new Dictionary<string, string>
        {
            ["RANK"] = "1", ["WORLD_SIZE"] = "2", ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var single = new WorkerProcess("single process", ["--out", dir.Sub("single"), .. common]);

        var finished = await WorkerProcess.WaitAll(HangLimit, rank0, rank1, single);

        var story = WorkerProcess.Describe(rank0, rank1, single);
        finished.Should().BeTrue("no worker may hang; " + story);
        new[] { rank0.ExitCode, rank1.ExitCode, single.ExitCode }.Should().Equal([0, 0, 0], story);

        using var scope = NewDisposeScope();
        var w0 = load(dir.File("rank0/weights-rank0.safetensors"));
        var w1 = load(dir.File("rank1/weights-rank1.safetensors"));
        var ws = load(dir.File("single/weights-rank0.safetensors"));
        var init0 = load(dir.File("rank0/initial-rank0.safetensors"));
        var init1 = load(dir.File("rank1/initial-rank1.safetensors"));
        w0.Keys.Should().BeEquivalentTo(ws.Keys).And.BeEquivalentTo(w1.Keys);
        MaxAbsDiff(init0, init1).Should().BeGreaterThan(0, "rank 1 built its replica from another seed, so only the broadcast makes the ranks agree");
        MaxAbsDiff(w0, init0).Should().BeGreaterThan(1e-3, "training moved the weights");
        MaxAbsDiff(w0, w1).Should().Be(0, "both ranks apply the same averaged gradients to the same weights");
        MaxAbsDiff(w0, ws).Should().BeLessThan(1e-5, "the ranks together train on exactly the single process's batches");

        File.Exists(dir.File("rank0/run/last.safetensors")).Should().BeTrue();
        File.ReadAllLines(dir.File("rank0/run/metrics.csv")).Should().HaveCount(3);
        Directory.Exists(dir.File("rank1/run")).Should().BeFalse("only rank 0 writes the run folder");
        var csv0 = File.ReadAllLines(dir.File("rank0/run/metrics.csv"));
        var csvSingle = File.ReadAllLines(dir.File("single/run/metrics.csv"));
        // Training accuracy is summed over both ranks, so it matches the single process's exactly.
        csv0.Skip(1).Select(l => l.Split(',')[4]).Should().Equal(csvSingle.Skip(1).Select(l => l.Split(',')[4]));
    }

    [SkippableFact]
    public async Task When_a_rank_dies_the_other_fails_with_a_clear_error_instead_of_hanging()
    {
        RequireGloo();
        using var dir = new TempDir();
        var port = FreePort();
        string[] common = ["--world", "2", "--master", $"127.0.0.1:{port}", "--epochs", "50", "--clips", "64", "--timeout-seconds", "20"];
        using var rank0 = new WorkerProcess("rank 0", ["--rank", "0", "--out", dir.Sub("rank0"), .. common]);
        using var rank1 = new WorkerProcess("rank 1 (dies)", ["--rank", "1", "--out", dir.Sub("rank1"), "--die-after-steps", "3", .. common]);

        var finished = await WorkerProcess.WaitAll(HangLimit, rank0, rank1);

        var story = WorkerProcess.Describe(rank0, rank1);
        finished.Should().BeTrue("the surviving rank must not hang; " + story);
        rank1.ExitCode.Should().Be(3, story);
        rank1.StandardError.Should().Contain("rank 1: exiting abruptly after 3 steps");
        rank0.ExitCode.Should().Be(1, story);
        rank0.StandardError.Should().MatchRegex(
            $@"error: rank 0: Rank 0 of 2 \(rendezvous 127\.0\.0\.1:{port}\): (all_reduce|broadcast from rank 0|barrier) failed: .+ A peer process has probably exited or stopped responding \(timeout 20s\)",
            story);
        File.Exists(dir.File("rank0/weights-rank0.safetensors")).Should().BeFalse("rank 0 never finished");
    }

    [SkippableFact]
    public async Task When_a_rank_stops_responding_the_other_times_out_with_a_clear_error()
    {
        RequireGloo();
        using var dir = new TempDir();
        var port = FreePort();
        string[] common = ["--world", "2", "--master", $"127.0.0.1:{port}", "--epochs", "1000", "--clips", "64", "--timeout-seconds", "5"];
        using var rank0 = new WorkerProcess("rank 0", ["--rank", "0", "--out", dir.Sub("rank0"), .. common]);
        using var rank1 = new WorkerProcess("rank 1 (stopped)", ["--rank", "1", "--out", dir.Sub("rank1"), .. common]);
        using (var started = new CancellationTokenSource(HangLimit))
        {
            while (!rank1.StandardOutput.Contains("data-parallel training", StringComparison.Ordinal) && !rank1.HasExited)
                await Task.Delay(50, started.Token);
        }
        rank1.HasExited.Should().BeFalse(WorkerProcess.Describe(rank0, rank1));

        // SIGSTOP: the process stays alive and its sockets open, so only the timeout can notice.
        Signals.Stop(rank1.Id);
        var finished = await WorkerProcess.WaitAll(HangLimit, rank0);

        var story = WorkerProcess.Describe(rank0, rank1);
        finished.Should().BeTrue("the waiting rank must give up after its timeout; " + story);
        rank0.ExitCode.Should().Be(1, story);
        rank0.StandardError.Should().MatchRegex(
            $@"error: rank 0: Rank 0 of 2 \(rendezvous 127\.0\.0\.1:{port}\): .+ failed: .*(?i:timed out).* \(timeout 5s\)", story);
    }

    private static double MaxAbsDiff(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Max(kv => kv.Value.sub(b[kv.Key]).abs().max().item<double>());
}
