using System.Diagnostics;
using VideoTransformers.TestSupport;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>tests/VideoTransformers.DistributedWorker run as a separate process, alone or as the ranks of one mpiexec.</summary>
internal static class WorkerProcess
{
    /// <summary>One worker on its own (no MPI unless it is given --mpi).</summary>
    public static ChildProcess Alone(string name, IEnumerable<string> args) => new(name, ChildProcess.DotnetHost, [WorkerDll, .. args]);

    /// <summary>One mpiexec running a worker per entry of <paramref name="ranks"/>, rank r with <c>ranks[r]</c>'s arguments (MPMD syntax).</summary>
    public static ChildProcess UnderMpi(string name, IReadOnlyList<IEnumerable<string>> ranks)
    {
        var args = new List<string>();
        foreach (var rank in ranks)
        {
            if (args.Count > 0) args.Add(":");
            args.AddRange(["-n", "1", ChildProcess.DotnetHost, WorkerDll, .. rank]);
        }
        return new ChildProcess(name, DistributedSupport.RequireMpi(), args);
    }

    /// <summary>The worker's build output beside this test assembly's (same configuration).</summary>
    public static string WorkerDll
    {
        get
        {
            // This assembly lives in tests/<project>/bin/<Configuration>/<tfm>/.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = tfm.Parent!.Name;
            var path = Path.Combine(SharedData.RepoRoot, "tests", "VideoTransformers.DistributedWorker", "bin", configuration, tfm.Name,
                "VideoTransformers.DistributedWorker.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The distributed worker is not built: {path} (dotnet build the solution).", path);
        }
    }

    /// <summary>Waits until <paramref name="path"/> exists or the process has exited; false when the limit passed first.</summary>
    public static async Task<bool> WaitForFile(ChildProcess process, string path, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path) && !process.HasExited)
        {
            if (clock.Elapsed > limit) return false;
            await Task.Delay(50);
        }
        return File.Exists(path);
    }
}
