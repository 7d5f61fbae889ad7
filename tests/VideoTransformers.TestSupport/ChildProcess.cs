using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace VideoTransformers.TestSupport;

/// <summary>
/// A program the tests run as a separate process (vt, the distributed worker, mpiexec), with its output captured and
/// without the variables of an MPI launch the test runner might have inherited. Disposing kills it and its children if
/// it still runs, so a hung process never outlives its test.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    /// <summary>Variables that would make a program believe it is a rank of some other MPI launch.</summary>
    public static readonly string[] LaunchVariables =
        ["PMI_RANK", "PMI_SIZE", "PMI_FD", "PMI_PORT", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "VT_DIST_TIMEOUT_SECONDS"];

    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/>, one BLAS thread, and <paramref name="environment"/> on top.</summary>
    public ChildProcess(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        Name = name;
        var info = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var v in LaunchVariables) info.Environment.Remove(v);
        info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The dotnet host, by full path where known (mpiexec looks programs up on a bare PATH).</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } p && File.Exists(p)
        ? p
        : Process.GetCurrentProcess().MainModule?.FileName is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>Waits for every process; after <paramref name="limit"/> kills them all and returns false (something hung).</summary>
    public static async Task<bool> WaitAll(TimeSpan limit, params ChildProcess[] processes)
    {
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await Task.WhenAll(processes.Select(p => p._process.WaitForExitAsync(cts.Token)));
            // WaitForExit without a timeout also drains the redirected output.
            foreach (var p in processes) p._process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            foreach (var p in processes) p.Kill();
            return false;
        }
    }

    /// <summary>Sends SIGINT, as a terminal's Ctrl-C does.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Everything a failure message needs to explain what each process did.</summary>
    public static string Describe(params ChildProcess[] processes) => string.Join("\n", processes.Select(p =>
        $"--- {p.Name} (exit {(p._process.HasExited ? p._process.ExitCode.ToString(CultureInfo.InvariantCulture) : "none: killed")})\n" +
        $"stdout:\n{p.StandardOutput}\nstderr:\n{p.StandardError}"));

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

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
