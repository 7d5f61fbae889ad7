using System.Diagnostics;
using System.Text;
using VideoTransformers.TestSupport;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>
/// tests/VideoTransformers.DistributedWorker run as a separate process, alone or as the ranks of one mpiexec, with
/// its output captured. Disposing kills it (and its children) if it is still running, so a hung rank never outlives
/// its test.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    // Variables that would make a worker believe it is a rank of some other launch.
    private static readonly string[] LaunchVariables = ["PMI_RANK", "PMI_SIZE", "PMI_FD", "PMI_PORT", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "VT_DIST_TIMEOUT_SECONDS"];
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private WorkerProcess(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        Name = name;
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var v in LaunchVariables) info.Environment.Remove(v);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>One worker on its own (no MPI unless it is given --mpi).</summary>
    public static WorkerProcess Alone(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(name, DotnetHost, [WorkerDll, .. args], environment);

    /// <summary>One mpiexec running a worker per entry of <paramref name="ranks"/>, rank r with <c>ranks[r]</c>'s arguments (MPMD syntax).</summary>
    public static WorkerProcess UnderMpi(string name, IReadOnlyList<IEnumerable<string>> ranks, IReadOnlyDictionary<string, string>? environment = null)
    {
        var args = new List<string>();
        foreach (var rank in ranks)
        {
            if (args.Count > 0) args.Add(":");
            args.AddRange(["-n", "1", DotnetHost, WorkerDll, .. rank]);
        }
        return new WorkerProcess(name, DistributedSupport.RequireMpi(), args, environment);
    }

    public string Name { get; }

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public string StandardOutput
    {
        get
        {
            lock (_out) return _out.ToString();
        }
    }

    public string StandardError
    {
        get
        {
            lock (_err) return _err.ToString();
        }
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

    // mpiexec starts the ranks with a bare PATH lookup too, so the host is passed by full path.
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p)
        ? p
        : Process.GetCurrentProcess().MainModule?.FileName is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    /// <summary>Waits for every worker; after <paramref name="limit"/> kills them all and returns false (something hung).</summary>
    public static async Task<bool> WaitAll(TimeSpan limit, params WorkerProcess[] workers)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await Task.WhenAll(workers.Select(w => w._process.WaitForExitAsync(cts.Token)));
            // WaitForExit without a timeout also drains the redirected output.
            foreach (var w in workers) w._process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            foreach (var w in workers) w.Kill();
            return false;
        }
    }

    /// <summary>Waits until <paramref name="path"/> exists or the worker has exited; false when the limit passed first.</summary>
    public async Task<bool> WaitForFile(string path, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path) && !_process.HasExited)
        {
            if (clock.Elapsed > limit) return false;
            await Task.Delay(50);
        }
        return File.Exists(path);
    }

    /// <summary>Everything a failure message needs to explain what each worker did.</summary>
    public static string Describe(params WorkerProcess[] workers) => string.Join("\n", workers.Select(w =>
        $"--- {w.Name} (exit {(w._process.HasExited ? w._process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none: killed")})\n" +
        $"stdout:\n{w.StandardOutput}\nstderr:\n{w.StandardError}"));

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null) return;
        lock (sb) sb.AppendLine(line);
    }
}
