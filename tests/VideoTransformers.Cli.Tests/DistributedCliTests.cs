using System.Text.Json;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Cli.Tests;

/// <summary><c>vt train</c> under mpiexec: data-parallel over MPI, one run folder, clear errors without MPI.</summary>
public class DistributedCliTests
{
    [SkippableFact]
    public void Mpiexec_with_two_ranks_trains_data_parallel_and_writes_one_run_folder()
    {
        var mpiexec = MpiExec.Require();
        var root = Directory.CreateTempSubdirectory("vt-mpi").FullName;
        try
        {
            // Each rank is given its own --out, so that anything rank 1 wrote would show.
            string[] Train(string outDir) => ["train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "1", "--batch-size", "16",
                "--seed", "3", "--threads", "1", "--out", outDir, "--quiet"];
            var (dir, rank1Dir) = (Path.Combine(root, "rank0"), Path.Combine(root, "rank1"));
            var (code, stdout, stderr) = VtProcess.RunRanks(mpiexec, [Train(dir), Train(rank1Dir)]);

            code.Should().Be(0, stderr);
            // Only rank 0 prints the results.
            using var printed = JsonDocument.Parse(stdout.Trim());
            printed.RootElement.GetProperty("world_size").GetInt32().Should().Be(2);
            using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            results.RootElement.GetProperty("world_size").GetInt32().Should().Be(2);
            results.RootElement.GetProperty("status").GetString().Should().Be("Completed");
            foreach (var f in new[] { "metrics.csv", "best.safetensors", "last.safetensors", "config.yaml", "classes.json" })
                File.Exists(Path.Combine(dir, f)).Should().BeTrue($"the run folder should hold {f}");
            Directory.GetFiles(dir, "events.out.tfevents.*").Should().ContainSingle("only rank 0 writes TensorBoard events");
            File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Should().HaveCount(2, "one header and one epoch, written once");
            Directory.Exists(rank1Dir).Should().BeFalse("only rank 0 writes the run folder");
        }
        finally { Directory.Delete(root, true); }
    }

    [SkippableFact]
    public async Task Ctrl_C_to_mpiexec_stops_every_rank_at_the_same_step_and_the_run_resumes_to_the_end()
    {
        var mpiexec = MpiExec.Require();
        var dir = Directory.CreateTempSubdirectory("vt-mpi-cancel").FullName;
        try
        {
            string[] train = ["train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "3", "--batch-size", "8", "--seed", "5",
                "--threads", "1", "--out", dir, "--quiet"];
            using (var job = VtProcess.Start(train, launcher: [mpiexec, "-n", "2"]))
            {
                // Rank 0 writes config.yaml when training starts; then let it take a few steps.
                for (var i = 0; i < 2400 && !File.Exists(Path.Combine(dir, "config.yaml")) && !job.HasExited; i++) await Task.Delay(50);
                await Task.Delay(TimeSpan.FromSeconds(2));
                job.HasExited.Should().BeFalse(ChildProcess.Describe(job));
                job.Interrupt();
                (await ChildProcess.WaitAll(TimeSpan.FromMinutes(2), job)).Should().BeTrue("a cancelled run must end; " + ChildProcess.Describe(job));

                var story = ChildProcess.Describe(job);
                // Hydra forwards Ctrl-C to each rank once; each rank's handler says it will stop after its step.
                job.StandardError.Split('\n').Count(l => l.Contains("Stopping after this step", StringComparison.Ordinal)).Should().Be(2, story);
                (job.StandardOutput + job.StandardError).Should().Contain("rank 0 saved the checkpoint", "rank 1 stops where rank 0 saved; " + story);
                using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
                results.RootElement.GetProperty("status").GetString().Should().Be("Cancelled", story);
                File.Exists(Path.Combine(dir, "last.safetensors")).Should().BeTrue(story);
            }

            var (code, _, stderr) = VtProcess.Run([.. train, "--resume", Path.Combine(dir, "last.safetensors")], launcher: [mpiexec, "-n", "2"]);
            code.Should().Be(0, stderr);
            using var resumed = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            resumed.RootElement.GetProperty("status").GetString().Should().Be("Completed");
            resumed.RootElement.GetProperty("epochs").GetInt32().Should().Be(3);
            resumed.RootElement.GetProperty("world_size").GetInt32().Should().Be(2);
            File.ReadAllLines(Path.Combine(dir, "metrics.csv")).Should().HaveCount(4, "a header and the three epochs");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Under_MPI_without_an_MPI_library_train_fails_with_what_to_install()
    {
        // The launcher's variables say "a rank of an MPI job"; the library path says "MPI is not installed".
        var (code, _, stderr) = VtProcess.Run(["train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "1", "--out", Path.Combine(Path.GetTempPath(), "vt-nompi")],
            new Dictionary<string, string> { ["PMI_RANK"] = "0", ["PMI_SIZE"] = "2", ["VT_MPI_LIBRARY"] = "/nonexistent/libmpi.so.12" });
        code.Should().Be(1, stderr);
        stderr.Should().Contain("error: MPI is not available: VT_MPI_LIBRARY=/nonexistent/libmpi.so.12 could not be loaded")
            .And.Contain("apt-get install mpich").And.NotContain("   at ");
    }

    [Fact]
    public void Without_mpiexec_train_runs_as_a_single_process_without_loading_MPI()
    {
        var dir = Directory.CreateTempSubdirectory("vt-single").FullName;
        try
        {
            // A library path that cannot load proves MPI is never touched.
            var (code, stdout, stderr) = VtProcess.Run(["train", "--model", "frame-vit", "--dataset", "synthetic", "--epochs", "1", "--batch-size", "16",
                "--threads", "1", "--out", dir, "--quiet"], new Dictionary<string, string> { ["VT_MPI_LIBRARY"] = "/nonexistent/libmpi.so.12" });
            code.Should().Be(0, stderr);
            using var printed = JsonDocument.Parse(stdout.Trim());
            printed.RootElement.TryGetProperty("world_size", out _).Should().BeFalse();
        }
        finally { Directory.Delete(dir, true); }
    }
}
