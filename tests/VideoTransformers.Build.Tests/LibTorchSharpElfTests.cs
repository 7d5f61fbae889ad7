using System.Text;
using FluentAssertions;
using Xunit;

namespace VideoTransformers.Build.Tests;

/// <summary>
/// The ELF patch on copies of the real libLibTorchSharp.so from the NuGet cache, with this machine's libstdc++ (which,
/// on Debian 12, lacks GLIBCXX_3.4.32) and with fake newer ones.
/// </summary>
public sealed class LibTorchSharpElfTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vt-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string CopyOfStock(string name = "libLibTorchSharp.so")
    {
        File.Exists(Native.StockLibrary).Should().BeTrue($"the TorchSharp package is restored ({Native.StockLibrary})");
        var path = Path.Combine(_dir, name);
        File.Copy(Native.StockLibrary, path);
        return path;
    }

    private static List<int> DifferingOffsets(byte[] a, byte[] b)
    {
        a.Length.Should().Be(b.Length, "the patch never changes the file's length");
        var diff = new List<int>();
        for (var i = 0; i < a.Length; i++)
            if (a[i] != b[i]) diff.Add(i);
        return diff;
    }

    /// <summary>readelf's independent reading of the GLIBCXX_3.4.32 requirement's flags ("none" or "WEAK").</summary>
    private static string ReadelfFlags(string path)
    {
        var (code, stdout, stderr) = Native.Run("readelf", ["-V", "-W", path]);
        Skip.If(code == 127 || (code != 0 && stderr.Contains("not found", StringComparison.Ordinal)), "readelf (binutils) is not installed");
        code.Should().Be(0, stderr);
        var line = stdout.Split('\n').Single(l => l.Contains("Name: " + LibTorchSharpElf.Version, StringComparison.Ordinal));
        return line[(line.IndexOf("Flags:", StringComparison.Ordinal) + 6)..].Trim().Split(' ')[0];
    }

    [SkippableFact]
    public void On_this_systems_libstdcxx_a_copy_is_patched_in_exactly_the_two_flag_bytes_and_a_second_apply_does_nothing()
    {
        var system = Native.RequireOldSystemLibStdCxx();
        var path = CopyOfStock();
        var stock = File.ReadAllBytes(Native.StockLibrary);
        LibTorchSharpElf.IsWeak(path).Should().BeFalse("the stock library needs the version strictly");
        ReadelfFlags(path).Should().Be("none");

        LibTorchSharpElf.Apply(path, system).Should().Be(LibTorchSharpElf.Outcome.Patched);

        LibTorchSharpElf.IsWeak(path).Should().BeTrue();
        ReadelfFlags(path).Should().Be("WEAK", "readelf, reading the file on its own, sees the requirement weak");
        var patched = File.ReadAllBytes(path);
        var diff = DifferingOffsets(stock, patched);
        diff.Should().NotBeEmpty().And.OnlyContain(i => i - diff[0] <= 1, "only the 16-bit vna_flags field of one entry changes");
        // VER_FLG_WEAK (0x2) is added to the little-endian flags, nothing else.
        var before = BitConverter.ToUInt16(stock, diff[0] & ~1);
        var after = BitConverter.ToUInt16(patched, diff[0] & ~1);
        after.Should().Be((ushort)(before | 0x2));

        LibTorchSharpElf.Apply(path, system).Should().Be(LibTorchSharpElf.Outcome.NotNeeded);
        File.ReadAllBytes(path).Should().Equal(patched, "a second apply leaves the file alone");
        Directory.GetFiles(_dir).Should().Equal([path], "no temporary file is left behind");
    }

    [SkippableFact]
    public void Patching_a_hard_link_replaces_the_link_and_leaves_the_file_it_shared_bytes_with_untouched()
    {
        var system = Native.RequireOldSystemLibStdCxx();
        // Build output folders hard-link the library from the NuGet cache; this copy plays the cache's file.
        var cache = CopyOfStock("cache.so");
        var output = Path.Combine(_dir, "libLibTorchSharp.so");
        Native.HardLink(cache, output);
        Native.Inode(output).Should().Be(Native.Inode(cache), "the two names share one file before the patch");

        LibTorchSharpElf.Apply(output, system).Should().Be(LibTorchSharpElf.Outcome.Patched);

        Native.Inode(output).Should().NotBe(Native.Inode(cache), "the patched library is a new file, not the shared one modified");
        File.ReadAllBytes(cache).Should().Equal(File.ReadAllBytes(Native.StockLibrary), "the cache's bytes stay stock");
        LibTorchSharpElf.IsWeak(cache).Should().BeFalse();
        LibTorchSharpElf.IsWeak(output).Should().BeTrue();
    }

    [SkippableFact]
    public void The_dynamic_loader_refuses_the_stock_library_over_GLIBCXX_3_4_32_and_loads_the_patched_copy()
    {
        var system = Native.RequireOldSystemLibStdCxx();
        Skip.IfNot(File.Exists("/usr/bin/python3"), "/usr/bin/python3 (used for its ctypes dlopen) is not installed");
        Directory.Exists(Native.LibTorchNatives).Should().BeTrue($"the libtorch package is restored ({Native.LibTorchNatives})");
        // libLibTorchSharp.so finds libtorch through LD_LIBRARY_PATH, as it finds it beside itself in an output folder.
        var env = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = Native.LibTorchNatives };
        (int Code, string Stdout, string Stderr) Dlopen(string path) =>
            Native.Run("/usr/bin/python3", ["-c", "import ctypes, sys; ctypes.CDLL(sys.argv[1]); print('loaded')", path], env);

        var stock = CopyOfStock("stock.so");
        var refused = Dlopen(stock);
        refused.Code.Should().NotBe(0, "the stock library must not load on this libstdc++, or the patch is not needed at all");
        refused.Stderr.Should().Contain($"version `{LibTorchSharpElf.Version}' not found");

        var patched = CopyOfStock();
        LibTorchSharpElf.Apply(patched, system).Should().Be(LibTorchSharpElf.Outcome.Patched);
        var loaded = Dlopen(patched);
        loaded.Code.Should().Be(0, loaded.Stderr);
        loaded.Stdout.Should().Contain("loaded");
    }

    [Fact]
    public void With_a_libstdcxx_that_defines_the_version_nothing_is_touched()
    {
        // A stand-in for GCC 13's libstdc++: the version name, NUL-terminated as in .dynstr.
        var newer = Path.Combine(_dir, "libstdc++.so.6");
        File.WriteAllBytes(newer, [.. Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.31\0"), .. Encoding.ASCII.GetBytes(LibTorchSharpElf.Version + "\0")]);
        var path = CopyOfStock();
        var inode = Native.Inode(path);
        var written = File.GetLastWriteTimeUtc(path);

        LibTorchSharpElf.Apply(path, newer).Should().Be(LibTorchSharpElf.Outcome.SystemIsNewEnough);

        File.ReadAllBytes(path).Should().Equal(File.ReadAllBytes(Native.StockLibrary));
        Native.Inode(path).Should().Be(inode, "the file was not replaced either");
        File.GetLastWriteTimeUtc(path).Should().Be(written);
    }

    [SkippableFact]
    public void A_copy_of_the_system_libstdcxx_with_the_version_appended_counts_as_new_enough()
    {
        var system = Native.RequireSystemLibStdCxx();
        var newer = Path.Combine(_dir, "libstdc++.so.6");
        File.WriteAllBytes(newer, [.. File.ReadAllBytes(system), .. Encoding.ASCII.GetBytes(LibTorchSharpElf.Version + "\0")]);
        var path = CopyOfStock();
        LibTorchSharpElf.Apply(path, newer).Should().Be(LibTorchSharpElf.Outcome.SystemIsNewEnough);
        File.ReadAllBytes(path).Should().Equal(File.ReadAllBytes(Native.StockLibrary));
    }

    [SkippableFact]
    public void Weaken_patches_whatever_the_system_libstdcxx_and_only_in_the_two_flag_bytes()
    {
        var path = CopyOfStock();
        var stock = File.ReadAllBytes(Native.StockLibrary);

        LibTorchSharpElf.Weaken(path).Should().Be(LibTorchSharpElf.Outcome.Patched);

        LibTorchSharpElf.IsWeak(path).Should().BeTrue();
        var patched = File.ReadAllBytes(path);
        var diff = DifferingOffsets(stock, patched);
        diff.Should().NotBeEmpty().And.OnlyContain(i => i - diff[0] <= 1);
        LibTorchSharpElf.Weaken(path).Should().Be(LibTorchSharpElf.Outcome.NotNeeded);
        File.ReadAllBytes(path).Should().Equal(patched);
        ReadelfFlags(path).Should().Be("WEAK");
    }

    [Theory]
    [InlineData("GLIBCXX_3.4.32\0", true)]
    [InlineData("xGLIBCXX_3.4.32\0", true)]
    [InlineData("GLIBCXX_3.4.321\0", false)]
    [InlineData("GLIBCXX_3.4.32", false)]
    [InlineData("GLIBCXX_3.4.3\0", false)]
    [InlineData("", false)]
    public void Defines_matches_only_the_whole_NUL_terminated_version_name(string content, bool defines)
    {
        var path = Path.Combine(_dir, "lib");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes(content));
        LibTorchSharpElf.Defines(path, LibTorchSharpElf.Version).Should().Be(defines);
    }

    [SkippableFact]
    public void This_machines_libstdcxx_is_what_the_version_check_says_it_is()
    {
        // An independent reading of the same fact: strings lists the version names of the system library.
        var system = Native.RequireSystemLibStdCxx();
        var (code, stdout, _) = Native.Run("strings", [system]);
        Skip.If(code != 0, "strings (binutils) is not available");
        LibTorchSharpElf.Defines(system, LibTorchSharpElf.Version).Should()
            .Be(stdout.Split('\n').Contains(LibTorchSharpElf.Version));
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_refused_with_a_clear_InvalidOperationException_and_left_alone()
    {
        var oldLibStdCxx = Path.Combine(_dir, "old-libstdc++.so.6");
        File.WriteAllBytes(oldLibStdCxx, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0"));
        var path = Path.Combine(_dir, "libLibTorchSharp.so");
        var text = Encoding.ASCII.GetBytes(new string('#', 200));
        File.WriteAllBytes(path, text);

        ((Action)(() => LibTorchSharpElf.Apply(path, oldLibStdCxx))).Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Be($"{path} is not an ELF file.");
        ((Action)(() => LibTorchSharpElf.IsWeak(path))).Should().Throw<InvalidOperationException>();
        File.ReadAllBytes(path).Should().Equal(text);

        File.WriteAllBytes(path, [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        ((Action)(() => LibTorchSharpElf.Apply(path, oldLibStdCxx))).Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain("is not an ELF file", "a four-byte file is too short to be one");
    }

    [Fact]
    public void A_32_bit_or_big_endian_ELF_file_is_refused()
    {
        var oldLibStdCxx = Path.Combine(_dir, "old-libstdc++.so.6");
        File.WriteAllBytes(oldLibStdCxx, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0"));
        var path = CopyOfStock();
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 1; // ELFCLASS32
        File.WriteAllBytes(path, bytes);
        ((Action)(() => LibTorchSharpElf.Apply(path, oldLibStdCxx))).Should().Throw<InvalidOperationException>()
            .Which.Message.Should().Contain("is not a 64-bit little-endian ELF file");
        File.ReadAllBytes(path).Should().Equal(bytes);
    }
}
