using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

namespace VideoTransformers.Build.Tests;

/// <summary>Where the stock library and the system libstdc++ are, and small process and file helpers.</summary>
internal static partial class Native
{
    private static string Metadata(string key) =>
        typeof(Native).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is empty");

    /// <summary>TorchSharp's libLibTorchSharp.so as NuGet unpacked it (never modified by these tests).</summary>
    public static string StockLibrary => Metadata("StockLibTorchSharp");

    /// <summary>The folder of libtorch's own libraries, which libLibTorchSharp.so links against.</summary>
    public static string LibTorchNatives => Metadata("LibTorchNatives");

    /// <summary>The system libstdc++ the dynamic loader uses.</summary>
    public static string RequireSystemLibStdCxx()
    {
        var path = LibTorchSharpElf.FindSystemLibStdCxx();
        Skip.If(path is null, "no system libstdc++.so.6 in the usual places");
        return path!;
    }

    /// <summary>The system libstdc++, when it lacks GLIBCXX_3.4.32 as Debian 12's does; skips elsewhere.</summary>
    public static string RequireOldSystemLibStdCxx()
    {
        var path = RequireSystemLibStdCxx();
        Skip.If(LibTorchSharpElf.Defines(path, LibTorchSharpElf.Version),
            $"{path} defines {LibTorchSharpElf.Version} (newer than Debian 12): the patching branch cannot be exercised with it");
        return path;
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + file);
        var err = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }
        return (p.ExitCode, stdout, err.Result);
    }

    /// <summary>The inode of a file (to tell a replaced file from one modified in place, and hard links apart).</summary>
    public static ulong Inode(string path)
    {
        var (code, stdout, stderr) = Run("stat", ["-c", "%i", path]);
        if (code != 0) throw new InvalidOperationException($"stat {path}: {stderr}");
        return ulong.Parse(stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Makes <paramref name="link"/> a hard link to <paramref name="target"/>.</summary>
    public static void HardLink(string target, string link)
    {
        if (link_(target, link) != 0) throw new IOException($"link({target}, {link}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link_(string target, string link);
}
