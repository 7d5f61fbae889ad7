using VideoTransformers.Torch.Serialization;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static VideoTransformers.Training.Tests.Distributed.DistributedSupport;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>Data-parallel training through the Trainer: in-process with a world of one, and as worker processes under mpiexec.</summary>
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
        RequireMpi();
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
    public async Task Under_mpiexec_a_world_of_one_ends_with_bitwise_the_weights_of_a_plain_process()
    {
        RequireMpi();
        using var dir = new TempDir();
        string[] common = ["--epochs", "2", "--clips", "21", "--batch", "8", "--optimizer", "adamw", "--ema-decay", "0.9"];
        using var mpi = WorkerProcess.UnderMpi("mpiexec -n 1", [["--out", dir.Sub("mpi"), .. common]]);
        using var plain = WorkerProcess.Alone("plain process", ["--out", dir.Sub("plain"), .. common]);

        var finished = await ChildProcess.WaitAll(HangLimit, mpi, plain);

        var story = ChildProcess.Describe(mpi, plain);
        finished.Should().BeTrue("no worker may hang; " + story);
        new[] { mpi.ExitCode, plain.ExitCode }.Should().Equal([0, 0], story);
        mpi.StandardOutput.Should().Contain("MPI rank 0 of 1", "the mpiexec run must really go through MPI; " + story);
        plain.StandardOutput.Should().NotContain("MPI rank", "the plain run must not start MPI; " + story);
        using var scope = NewDisposeScope();
        MaxAbsDiff(SafeTensors.load(dir.File("mpi/rank0/weights.safetensors")), SafeTensors.load(dir.File("plain/rank0/weights.safetensors"))).Should().Be(0);
        // Everything but the timing columns (seconds, clips_per_second).
        static IEnumerable<string> Metrics(string path) => File.ReadAllLines(path).Select(l => string.Join(',', l.Split(',').Take(9)));
        Metrics(dir.File("mpi/rank0/run/metrics.csv")).Should().Equal(Metrics(dir.File("plain/rank0/run/metrics.csv")), "the same losses and accuracies; " + story);
    }

    [SkippableFact]
    public async Task Broadcast_gives_rank_1_every_parameter_and_buffer_of_rank_0()
    {
        RequireMpi();
        using var dir = new TempDir();
        // Each rank builds a CNN-LSTM from its own seed and sets its BatchNorm buffers (float and int64) to its own values.
        string[] rank = ["--out", dir.Path, "--broadcast-only", "--timeout-seconds", "120"];
        using var ranks = WorkerProcess.UnderMpi("mpiexec -n 2", [rank, rank]);

        var finished = await ChildProcess.WaitAll(HangLimit, ranks);

        var story = ChildProcess.Describe(ranks);
        finished.Should().BeTrue("no worker may hang; " + story);
        ranks.ExitCode.Should().Be(0, story);
        using var scope = NewDisposeScope();
        var init0 = SafeTensors.load(dir.File("rank0/initial.safetensors"));
        var init1 = SafeTensors.load(dir.File("rank1/initial.safetensors"));
        var after0 = SafeTensors.load(dir.File("rank0/weights.safetensors"));
        var after1 = SafeTensors.load(dir.File("rank1/weights.safetensors"));
        init0.Keys.Should().Contain(k => k.EndsWith(".running_mean", StringComparison.Ordinal))
            .And.Contain(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        foreach (var (key, before) in init0)
        {
            before.Identical(init1[key]).Should().BeFalse($"{key} starts different on the two ranks");
            TensorAssert.Equal(after0[key], before, "rank 0's " + key + " is unchanged");
            TensorAssert.Equal(after1[key], before, "rank 1's " + key + " is rank 0's");
        }
    }

    [SkippableFact]
    public async Task Two_ranks_end_with_identical_weights_equal_to_one_process_on_the_combined_batches()
    {
        RequireMpi();
        using var dir = new TempDir();
        // 21 clips in global batches of 8: the last batch (5) splits 3/2, so the n/N weighting is exercised too.
        string[] common = ["--epochs", "2", "--clips", "21", "--batch", "8", "--timeout-seconds", "120"];
        string[] rank = ["--out", dir.Sub("mpi"), .. common];
        using var ranks = WorkerProcess.UnderMpi("mpiexec -n 2", [rank, rank]);
        using var single = WorkerProcess.Alone("single process", ["--out", dir.Sub("single"), .. common]);

        var finished = await ChildProcess.WaitAll(HangLimit, ranks, single);

        var story = ChildProcess.Describe(ranks, single);
        finished.Should().BeTrue("no worker may hang; " + story);
        new[] { ranks.ExitCode, single.ExitCode }.Should().Equal([0, 0], story);
        ranks.StandardOutput.Should().Contain("MPI rank 1 of 2");

        using var scope = NewDisposeScope();
        var w0 = SafeTensors.load(dir.File("mpi/rank0/weights.safetensors"));
        var w1 = SafeTensors.load(dir.File("mpi/rank1/weights.safetensors"));
        var ws = SafeTensors.load(dir.File("single/rank0/weights.safetensors"));
        var init0 = SafeTensors.load(dir.File("mpi/rank0/initial.safetensors"));
        var init1 = SafeTensors.load(dir.File("mpi/rank1/initial.safetensors"));
        w0.Keys.Should().BeEquivalentTo(ws.Keys).And.BeEquivalentTo(w1.Keys);
        MaxAbsDiff(init0, init1).Should().BeGreaterThan(0, "rank 1 built its replica from another seed, so only the broadcast makes the ranks agree");
        MaxAbsDiff(w0, init0).Should().BeGreaterThan(1e-3, "training moved the weights");
        MaxAbsDiff(w0, w1).Should().Be(0, "both ranks apply the same averaged gradients to the same weights");
        MaxAbsDiff(w0, ws).Should().BeLessThan(1e-5, "the ranks together train on exactly the single process's batches");

        File.Exists(dir.File("mpi/rank0/run/last.safetensors")).Should().BeTrue();
        Directory.Exists(dir.File("mpi/rank1/run")).Should().BeFalse("only rank 0 writes the run folder");
        var csv0 = File.ReadAllLines(dir.File("mpi/rank0/run/metrics.csv"));
        var csvSingle = File.ReadAllLines(dir.File("single/rank0/run/metrics.csv"));
        csv0.Should().HaveCount(3);
        // Training accuracy is summed over both ranks, so it matches the single process's exactly.
        csv0.Skip(1).Select(l => l.Split(',')[4]).Should().Equal(csvSingle.Skip(1).Select(l => l.Split(',')[4]));
    }

    [SkippableFact]
    public async Task When_a_rank_is_killed_mpiexec_ends_the_job_says_so_and_leaves_no_process_behind()
    {
        RequireMpi();
        using var dir = new TempDir();
        string[] common = ["--out", dir.Sub("mpi"), "--epochs", "50", "--clips", "64", "--timeout-seconds", "120"];
        using var job = WorkerProcess.UnderMpi("mpiexec -n 2 (rank 1 killed)", [common, [.. common, "--kill-after-steps", "3"]]);
        var tree = await RanksStarted(job, dir.File("mpi/rank0/pid"), dir.File("mpi/rank1/pid"));

        // The bound: far below the 120 s collective timeout, so it is mpiexec that ends the job, not a timeout.
        var finished = await ChildProcess.WaitAll(TimeSpan.FromSeconds(60), job);

        var story = ChildProcess.Describe(job);
        finished.Should().BeTrue("mpiexec must end the job when a rank dies; " + story);
        job.ExitCode.Should().NotBe(0, story);
        job.StandardError.Should().Contain("rank 1: sending itself signal 9 after 3 steps", story);
        (job.StandardOutput + job.StandardError).Should().Contain("BAD TERMINATION").And.Contain("signal 9", "mpiexec names the dead rank's fate; " + story);
        File.Exists(dir.File("mpi/rank0/weights.safetensors")).Should().BeFalse("rank 0 never finished");
        await NothingLeft(tree, story);
    }

    [SkippableFact]
    public async Task When_a_rank_stops_responding_the_other_times_out_with_a_clear_error_and_no_process_is_left()
    {
        RequireMpi();
        using var dir = new TempDir();
        string[] common = ["--out", dir.Sub("mpi"), "--epochs", "1000", "--clips", "64", "--timeout-seconds", "15"];
        // 15 s: long enough that a slow start of one rank on a loaded machine is not mistaken for the hang.
        using var job = WorkerProcess.UnderMpi("mpiexec -n 2 (rank 1 stopped)", [common, [.. common, "--stop-after-steps", "3"]]);
        var tree = await RanksStarted(job, dir.File("mpi/rank0/pid"), dir.File("mpi/rank1/pid"));

        var finished = await ChildProcess.WaitAll(HangLimit, job);

        var story = ChildProcess.Describe(job);
        finished.Should().BeTrue("the waiting rank must give up after its timeout; " + story);
        job.ExitCode.Should().NotBe(0, story);
        job.StandardError.Should().Contain("rank 1: sending itself signal 19 after 3 steps", story);
        job.StandardError.Should().MatchRegex(@"error: rank 0: Rank 0 of 2: (all-reduce|broadcast|barrier).* failed: timed out after [0-9.]+s\. A peer process has probably exited or stopped responding", story);
        await NothingLeft(tree, story);
    }

    // Waits until both ranks wrote their pid files, then records mpiexec's whole process tree (proxies and ranks).
    private static async Task<IReadOnlyList<ProcessTree.Entry>> RanksStarted(ChildProcess job, params string[] pidFiles)
    {
        foreach (var f in pidFiles)
            (await WorkerProcess.WaitForFile(job, f, HangLimit)).Should().BeTrue($"{f} must appear; " + ChildProcess.Describe(job));
        var tree = ProcessTree.Descendants(job.Id);
        var pids = pidFiles.Select(f => int.Parse(File.ReadAllText(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        tree.Select(e => e.Pid).Should().Contain(pids, "the ranks run under this mpiexec; " + ChildProcess.Describe(job));
        return tree;
    }

    private static async Task NothingLeft(IReadOnlyList<ProcessTree.Entry> tree, string story)
    {
        // A killed process may take a moment to be reaped by its parent.
        for (var i = 0; i < 50 && ProcessTree.StillAlive(tree).Count > 0; i++) await Task.Delay(100);
        ProcessTree.StillAlive(tree).Should().BeEmpty("every process of the job must be gone; " + story);
    }

    private static double MaxAbsDiff(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Max(kv => kv.Value.sub(b[kv.Key]).abs().max().ToDouble());
}
