using System.Diagnostics;
using Xunit;

namespace VideoTransformers.TestSupport;

/// <summary>
/// Runs a Python interpreter that has numpy, for cross-checks against a reference implementation.
/// The interpreter is <c>VT_PYTHON</c> when set, else the system <c>/usr/bin/python3</c> (Debian's, which
/// has numpy; a pyenv <c>python3</c> first on PATH usually does not). Missing numpy skips the test
/// locally and fails it under CI, like <see cref="SharedData"/>.
/// </summary>
public static class PythonNumpy
{
    private static readonly Lazy<(string? Path, string Problem)> Interpreter = new(Probe);

    /// <summary>Returns the interpreter path, or skips/fails the test when no Python with numpy is available.</summary>
    public static string Require()
    {
        var (path, problem) = Interpreter.Value;
        if (path != null) return path;
        var msg = "No Python with numpy: " + problem + " Install python3-numpy (./build.sh deps) or set VT_PYTHON.";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return "";
    }

    /// <summary>
    /// Returns the interpreter path when it can also import <paramref name="module"/> (e.g. <c>torch</c>);
    /// otherwise skips the test locally and fails it under CI.
    /// </summary>
    public static string RequireModule(string module)
    {
        var python = Require();
        var (code, _, stderr) = Execute(python, ["-c", "import " + module]);
        if (code == 0) return python;
        var msg = $"'{python}' cannot import {module}: {stderr.Trim()} Install it (./build.sh deps) or set VT_PYTHON.";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return python;
    }

    /// <summary>Runs the interpreter with <paramref name="arguments"/>; returns stdout, or throws with stderr on a non-zero exit.</summary>
    public static string Run(params string[] arguments)
    {
        var python = Require();
        var (code, stdout, stderr) = Execute(python, arguments);
        if (code != 0)
            throw new InvalidOperationException($"python {string.Join(' ', arguments)} exited with {code}:\n{stderr}\n{stdout}");
        return stdout;
    }

    private static (string? Path, string Problem) Probe()
    {
        var candidate = Environment.GetEnvironmentVariable("VT_PYTHON");
        if (string.IsNullOrEmpty(candidate)) candidate = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        try
        {
            var (code, _, stderr) = Execute(candidate, ["-c", "import numpy"]);
            return code == 0 ? (candidate, "") : (null, $"'{candidate} -c \"import numpy\"' failed: {stderr.Trim()}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"'{candidate}' cannot be started ({e.Message}).");
        }
    }

    private static (int Code, string Stdout, string Stderr) Execute(string python, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {python}.");
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderrTask.Result);
    }
}
