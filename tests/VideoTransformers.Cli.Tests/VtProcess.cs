using System.Diagnostics;

namespace VideoTransformers.Cli.Tests;

/// <summary>Runs the vt command line as a separate process, exactly as a user runs it, optionally under a launcher such as mpiexec.</summary>
internal static class VtProcess
{
    // Variables that would make vt believe it is a rank of some other MPI launch.
    private static readonly string[] LaunchVariables = ["PMI_RANK", "PMI_SIZE", "PMI_FD", "PMI_PORT", "PMIX_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"];

    public static (int code, string stdout, string stderr) Run(string[] args, IReadOnlyDictionary<string, string>? environment = null, string[]? launcher = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "vt.dll");
        var psi = new ProcessStartInfo(launcher?[0] ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (launcher is not null)
        {
            foreach (var a in launcher.Skip(1)) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var v in LaunchVariables) psi.Environment.Remove(v);
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(true); throw new TimeoutException("vt " + string.Join(' ', args)); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
