using System.Diagnostics;
using System.Text;
using VideoTransformers.TestSupport;

namespace VideoTransformers.Training.Tests.Distributed;

/// <summary>
/// One run of tests/VideoTransformers.DistributedWorker in its own process, with its output captured. Disposing kills
/// it (and its children) if it is still running, so a hung rank never outlives its test.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly string[] DistributedVariables = ["RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "VT_DIST_TIMEOUT_SECONDS", "LOCAL_RANK"];
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    public WorkerProcess(string name, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        var info = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(WorkerDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Only what the test says: a torchrun variable inherited from the test runner would change the rank.
        foreach (var v in DistributedVariables) info.Environment.Remove(v);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int ExitCode => _process.ExitCode;

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

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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

    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p) ? p : "dotnet";

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
