using System.Collections;
using System.Text;
using FluentAssertions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Xunit;

namespace VideoTransformers.Build.Tests;

/// <summary>The MSBuild task: it logs (errors for refused files) and returns false, never throws into the build.</summary>
public sealed class PatchTaskTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vt-task-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class RecordingEngine : IBuildEngine
    {
        public List<BuildErrorEventArgs> Errors { get; } = [];
        public List<BuildWarningEventArgs> Warnings { get; } = [];
        public List<BuildMessageEventArgs> Messages { get; } = [];
        public bool ContinueOnError => false;
        public int LineNumberOfTaskNode => 0;
        public int ColumnNumberOfTaskNode => 0;
        public string ProjectFileOfTaskNode => "test.proj";
        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
        public void LogCustomEvent(CustomBuildEventArgs e) { }
        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
        public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
        public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    }

    private string OldLibStdCxx()
    {
        var path = Path.Combine(_dir, "old-libstdc++.so.6");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0"));
        return path;
    }

    [Fact]
    public void A_refused_file_is_logged_as_an_error_naming_it_and_the_task_fails_without_throwing()
    {
        var bad = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllText(bad, "not a library");
        var engine = new RecordingEngine();
        var task = new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(bad)], SystemLibStdCxx = OldLibStdCxx() };

        task.Execute().Should().BeFalse();

        engine.Errors.Should().ContainSingle().Which.Message.Should()
            .Contain($"cannot make {bad} loadable with").And.Contain("is not an ELF file");
        File.ReadAllText(bad).Should().Be("not a library");
    }

    [Fact]
    public void A_missing_file_is_an_error_too()
    {
        var engine = new RecordingEngine();
        var missing = Path.Combine(_dir, "gone", "libLibTorchSharp.so");
        var task = new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(missing)], SystemLibStdCxx = OldLibStdCxx() };
        task.Execute().Should().BeFalse();
        engine.Errors.Should().ContainSingle().Which.Message.Should().Contain(missing);
    }

    [Fact]
    public void Every_file_is_tried_and_the_good_one_is_patched_even_when_another_is_refused()
    {
        File.Exists(Native.StockLibrary).Should().BeTrue($"the TorchSharp package is restored ({Native.StockLibrary})");
        var good = Path.Combine(_dir, "good.so");
        File.Copy(Native.StockLibrary, good);
        var bad = Path.Combine(_dir, "bad.so");
        File.WriteAllText(bad, "#!/bin/sh");
        var engine = new RecordingEngine();
        var task = new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(bad), new TaskItem(good)], SystemLibStdCxx = OldLibStdCxx() };

        task.Execute().Should().BeFalse();

        engine.Errors.Should().ContainSingle().Which.Message.Should().Contain(bad);
        LibTorchSharpElf.IsWeak(good).Should().BeTrue();
        engine.Messages.Should().Contain(m => m.Message!.Contains("marked that requirement of " + good + " weak", StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_new_enough_libstdcxx_the_task_succeeds_and_changes_nothing()
    {
        File.Exists(Native.StockLibrary).Should().BeTrue();
        var lib = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(Native.StockLibrary, lib);
        var newer = Path.Combine(_dir, "new-libstdc++.so.6");
        File.WriteAllBytes(newer, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.32\0"));
        var engine = new RecordingEngine();
        new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(lib)], SystemLibStdCxx = newer }.Execute().Should().BeTrue();
        engine.Errors.Should().BeEmpty();
        File.ReadAllBytes(lib).Should().Equal(File.ReadAllBytes(Native.StockLibrary));
    }

    [Fact]
    public void With_Always_the_library_is_patched_even_where_the_system_libstdcxx_is_new_enough()
    {
        File.Exists(Native.StockLibrary).Should().BeTrue();
        var lib = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(Native.StockLibrary, lib);
        var newer = Path.Combine(_dir, "new-libstdc++.so.6");
        File.WriteAllBytes(newer, Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.32\0"));
        var engine = new RecordingEngine();

        new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(lib)], SystemLibStdCxx = newer, Always = true }.Execute().Should().BeTrue();

        engine.Errors.Should().BeEmpty();
        LibTorchSharpElf.IsWeak(lib).Should().BeTrue("a package built on a new system must still load on Debian 12");
        engine.Messages.Should().Contain(m => m.Message!.Contains("marked that requirement of " + lib + " weak", StringComparison.Ordinal));
    }

    [Fact]
    public void With_Always_a_refused_file_is_still_an_error_naming_it()
    {
        var bad = Path.Combine(_dir, "libLibTorchSharp.so");
        File.WriteAllText(bad, "not a library");
        var engine = new RecordingEngine();
        new PatchLibTorchSharp { BuildEngine = engine, Files = [new TaskItem(bad)], Always = true }.Execute().Should().BeFalse();
        engine.Errors.Should().ContainSingle().Which.Message.Should().Contain($"cannot make {bad} loadable").And.Contain("is not an ELF file");
        File.ReadAllText(bad).Should().Be("not a library");
    }
}
