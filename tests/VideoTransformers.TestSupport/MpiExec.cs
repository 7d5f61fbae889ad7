using Xunit;

namespace VideoTransformers.TestSupport;

/// <summary>MPICH's launcher for the multi-process tests: found on PATH, else the test is skipped (or fails under CI=true).</summary>
public static class MpiExec
{
    private static readonly Lazy<string?> Found = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "mpiexec")).FirstOrDefault(File.Exists));

    /// <summary>The full path of mpiexec, or skips/fails when it is missing.</summary>
    public static string Require()
    {
        if (Found.Value is { } path) return path;
        const string msg = "mpiexec is not on PATH: install mpich (./build.sh deps does) to run the multi-process MPI tests.";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return "";
    }
}
