using VideoTransformers.TestSupport;

namespace VideoTransformers.Cli.Tests;

/// <summary>Runs the vt command line as a separate process, exactly as a user runs it, optionally under a launcher such as mpiexec.</summary>
internal static class VtProcess
{
    /// <summary>Runs vt to the end (at most 5 minutes) and returns its exit code and output.</summary>
    public static (int code, string stdout, string stderr) Run(string[] args, IReadOnlyDictionary<string, string>? environment = null, string[]? launcher = null)
    {
        using var vt = Start(args, environment, launcher);
        if (!ChildProcess.WaitAll(TimeSpan.FromMinutes(5), vt).GetAwaiter().GetResult()) throw new TimeoutException("vt " + string.Join(' ', args));
        return (vt.ExitCode, vt.StandardOutput, vt.StandardError);
    }

    /// <summary>One mpiexec running vt once per entry of <paramref name="ranks"/>, rank r with <c>ranks[r]</c>'s arguments (MPMD syntax).</summary>
    public static (int code, string stdout, string stderr) RunRanks(string mpiexec, IReadOnlyList<string[]> ranks)
    {
        var args = new List<string>();
        foreach (var rank in ranks)
        {
            if (args.Count > 0) args.Add(":");
            args.AddRange(["-n", "1", "dotnet", Path.Combine(AppContext.BaseDirectory, "vt.dll"), .. rank]);
        }
        using var job = new ChildProcess("mpiexec", mpiexec, args);
        if (!ChildProcess.WaitAll(TimeSpan.FromMinutes(5), job).GetAwaiter().GetResult()) throw new TimeoutException("mpiexec " + string.Join(' ', args));
        return (job.ExitCode, job.StandardOutput, job.StandardError);
    }

    /// <summary>Starts vt and returns at once; disposing kills it (and its children) if it still runs.</summary>
    public static ChildProcess Start(string[] args, IReadOnlyDictionary<string, string>? environment = null, string[]? launcher = null)
    {
        string[] vt = ["dotnet", Path.Combine(AppContext.BaseDirectory, "vt.dll"), .. args];
        var command = launcher is null ? vt : [.. launcher, .. vt];
        return new ChildProcess("vt " + string.Join(' ', args), command[0], command.Skip(1), environment);
    }
}
