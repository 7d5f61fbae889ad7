using System.Diagnostics;
using System.Text;
using FluentAssertions;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Tests.Support;
using Xunit;

namespace VideoTransformers.Training.Tests.Configuration;

/// <summary>
/// Configuration files are untrusted input: hostile ones must fail fast, in little memory, with an error naming the
/// file, and must never take the process down (a stack overflow cannot be caught).
/// </summary>
public class ConfigSafetyTests
{
    // Nine anchors, each aliasing the previous one nine times: 349 bytes that stand for 9^9 (387 million) strings.
    private const string BillionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        lr: *i
        """;

    /// <summary>Runs <paramref name="act"/> (after one warm-up load, so JIT work is not counted) and returns its exception, time and managed allocation.</summary>
    private static (ConfigException Error, TimeSpan Time, long Bytes) Measure(Func<object> act)
    {
        ConfigLoader.Parse("model_name: frame-vit\nlr: 0.001\nbetas: [0.9, 0.99]\n");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        ConfigException? error = null;
        try
        {
            act();
        }
        catch (ConfigException e)
        {
            error = e;
        }
        clock.Stop();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        error.Should().NotBeNull("the input must be refused");
        return (error!, clock.Elapsed, bytes);
    }

    [Fact]
    public void A_billion_laughs_file_is_refused_quickly_in_little_memory_naming_the_file()
    {
        using var dir = new TempDir();
        var path = dir.File("laughs.yaml");
        File.WriteAllText(path, BillionLaughs);

        var (error, time, bytes) = Measure(() => ConfigLoader.Load(path));

        error.File.Should().Be(path);
        error.Message.Should().Contain(path).And.Contain("expands to more than 100,000 values");
        error.Errors.Single().Line.Should().BeInRange(1, 10);
        time.Should().BeLessThan(TimeSpan.FromSeconds(1));
        bytes.Should().BeLessThan(8L << 20, "refusing must not build the expansion");
    }

    [Fact]
    public void Aliases_that_expand_within_the_limit_still_load()
    {
        // Aliases are ordinary YAML; only their expansion is bounded.
        var config = ConfigLoader.Parse("model_name: vivit\nimage_height: &side 32\nimage_width: *side\nbetas: &b [0.9, 0.98]\n");

        (config.Model.ImageHeight, config.Model.ImageWidth).Should().Be((32L, 32L));
        config.Training.Beta2.Should().Be(0.98);
    }

    [Theory]
    [InlineData("betas: &a [*a, 1]\n", "the alias '*a' refers to a node that contains it (a cycle)")]
    [InlineData("betas: [*nowhere, 1]\n", "the alias '*nowhere' has no anchor '&nowhere' before it")]
    public void A_cyclic_or_dangling_alias_is_refused(string yaml, string message)
    {
        var (error, time, _) = Measure(() => ConfigLoader.Parse(yaml, "alias.yaml"));

        error.Errors.Single().Should().Be(new ConfigError("alias.yaml", 1, null, null, message));
        time.Should().BeLessThan(TimeSpan.FromSeconds(1));
    }

    public static TheoryData<string, string> DeepDocuments() => new()
    {
        // 100 000 levels would overflow the stack of a recursive reader long before the end.
        { "flow lists", "lr: " + new string('[', 100_000) + new string(']', 100_000) + "\n" },
        { "flow mappings", "lr: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "1" + new string('}', 100_000) + "\n" },
        { "block lists", "lr:\n" + string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n" },
        // 40 levels anchored, then used 40 levels down: 80 levels for whoever walks the tree.
        { "aliases", "a: &deep " + new string('[', 40) + new string(']', 40) + "\nb: " + new string('[', 40) + "*deep" + new string(']', 40) + "\n" },
    };

    [Theory]
    [MemberData(nameof(DeepDocuments))]
    public void Deep_nesting_is_refused_before_anything_recurses_into_it(string kind, string yaml)
    {
        var (error, time, bytes) = Measure(() => ConfigLoader.Parse(yaml, "deep.yaml"));

        error.Message.Should().Contain("deep.yaml").And.Contain("nests deeper than 64 levels", kind);
        time.Should().BeLessThan(TimeSpan.FromSeconds(1));
        bytes.Should().BeLessThan(16L << 20);
    }

    [Fact]
    public void A_huge_file_is_refused_by_its_size_without_being_read()
    {
        using var dir = new TempDir();
        var path = dir.File("huge.yaml");
        using (var f = new FileStream(path, FileMode.CreateNew))
            f.SetLength(10L << 30); // sparse: 10 GiB that take no disk

        var (error, time, bytes) = Measure(() => ConfigLoader.Load(path));

        error.Message.Should().Contain(path).And.Contain("is 10,737,418,240 bytes long; a configuration file is at most 1,048,576 bytes");
        time.Should().BeLessThan(TimeSpan.FromSeconds(1));
        bytes.Should().BeLessThan(1L << 20);
    }

    [SkippableFact]
    public void An_endless_stream_is_refused_after_the_limit()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/dev/zero is a Linux device");

        var (error, time, bytes) = Measure(() => ConfigLoader.Load("/dev/zero"));

        error.Message.Should().Contain("/dev/zero").And.Contain("is more than 1,048,576 bytes long");
        time.Should().BeLessThan(TimeSpan.FromSeconds(1));
        bytes.Should().BeLessThan(8L << 20);
    }

    [Fact]
    public void Text_longer_than_the_limit_is_refused_by_parse()
    {
        var text = "# " + new string('x', ConfigLoader.MaxFileBytes) + "\n";

        var (error, _, _) = Measure(() => ConfigLoader.Parse(text, "long.yaml"));

        error.Message.Should().Contain("long.yaml").And.Contain("characters long; a configuration is at most 1,048,576");
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_an_error_with_line_and_offset()
    {
        using var dir = new TempDir();
        var path = dir.File("latin1.yaml");
        // "lr: 0.001 # é" in Latin-1: 0xE9 followed by a newline is no UTF-8 sequence.
        File.WriteAllBytes(path, [.. "num_epochs: 3\nlr: 0.001 # "u8, 0xE9, .. "\n"u8]);

        var (error, _, _) = Measure(() => ConfigLoader.Load(path));

        error.Errors.Single().Should().Be(new ConfigError(path, 2, null, null,
            "is not UTF-8 text: it has the byte 0xE9, which is not UTF-8, at byte offset 26"));
    }

    [Fact]
    public void A_utf16_file_is_named_as_such_and_a_utf8_byte_order_mark_is_fine()
    {
        using var dir = new TempDir();
        var utf16 = dir.File("utf16.yaml");
        var bom = dir.File("bom.yaml");
        File.WriteAllText(utf16, "lr: 0.001\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        File.WriteAllText(bom, "lr: 0.002\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var (error, _, _) = Measure(() => ConfigLoader.Load(utf16));

        error.Message.Should().Contain(utf16).And.Contain("is not UTF-8 text").And.Contain("it looks like UTF-16; save it as UTF-8");
        ConfigLoader.Load(bom).Training.LearningRate.Should().Be(0.002);
    }

    [Fact]
    public void Long_keys_and_values_are_cut_short_in_errors()
    {
        // A key past YAML's 1024-character limit for plain keys has to be written as an explicit ("? ") key.
        var yaml = $"? {new string('k', 100_000)}\n: 1\nfoo: {new string('v', 100_000)}\n";

        var (error, time, _) = Measure(() => ConfigLoader.Parse(yaml, "long.yaml"));

        error.Errors.Should().HaveCount(2);
        error.Errors[0].Key.Should().Be(new string('k', 200) + "…");
        error.Errors[1].Value.Should().Be(new string('v', 200) + "…");
        error.Message.Length.Should().BeLessThan(1000);
        time.Should().BeLessThan(TimeSpan.FromSeconds(1), "no edit distance is computed for a 100 000-character key");
    }

    [Fact]
    public void A_file_with_thousands_of_problems_keeps_them_all_but_lists_fifty()
    {
        var yaml = string.Concat(Enumerable.Range(0, 5000).Select(i => $"unknown_{i}: {i}\n"));

        var (error, _, _) = Measure(() => ConfigLoader.Parse(yaml, "many.yaml"));

        error.Errors.Should().HaveCount(5000);
        error.Message.Split('\n').Should().HaveCount(1 + 50 + 1);
        error.Message.Should().EndWith("… and 4950 more");
    }
}
