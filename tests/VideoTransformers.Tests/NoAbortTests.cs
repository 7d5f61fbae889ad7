using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Models;
using VideoTransformers.TestSupport;
using Xunit;
using static TorchSharp.torch;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;

namespace VideoTransformers.Tests;

/// <summary>
/// One misuse of a public model or block: <see cref="Run"/> must throw a .NET exception (or, where
/// <see cref="ExpectSuccess"/>, return normally) and never abort the process. <see cref="MessageParts"/> are what the
/// message must contain for the caller to see which module refused what: its name and the expected shape or dtype.
/// </summary>
public sealed record NoAbortCase(string Name, Action Run, string[] MessageParts, bool ExpectSuccess = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// The misuses driven by the <c>--child no-abort</c> child (<see cref="Program"/>). Some TorchSharp calls (matmul among
/// them) abort the process on a shape or dtype mismatch instead of throwing, so every public forward must validate
/// first; a case that reaches such a call takes the child down with exit code 134 and no CASE line.
/// </summary>
public static class NoAbortCases
{
    private static readonly TransformerOptions Options = new() { Dim = 32, Heads = 2, MlpDim = 64 };

    private static Tensor Float(params long[] shape) => randn(shape);
    private static Tensor Long(params long[] shape) => zeros(shape, ScalarType.Int64);
    private static Tensor Double(params long[] shape) => randn(shape, ScalarType.Float64);

    private static string[] Shape(string module) => [module, "expected"];
    private static string[] NotFloat(string module) => [module, "floating-point", "Int64"];
    private static string[] WrongFloat(string module) => [module, "Float32", "Float64"];

    /// <summary>
    /// The four misuses of a module taking one tensor, built from its valid input shape: a wrong rank
    /// (<paramref name="wrongRank"/>, by default the valid shape without its first dimension), dimension
    /// <paramref name="widthDim"/> one larger, int64, and float64. <paramref name="reporter"/> is the module the message
    /// names (a model's first block validates some inputs for it). The shape is a function so that listing the cases
    /// (as the parent test does) builds nothing.
    /// </summary>
    private static IEnumerable<NoAbortCase> Four(string name, Func<nn.Module<Tensor, Tensor>> create, Func<long[]> valid, int widthDim,
        Func<long[]>? wrongRank = null, string? reporter = null, string? widthReporter = null)
    {
        var r = reporter ?? name.Split('-')[0];
        long[] WrongWidth()
        {
            var s = valid().ToArray();
            s[widthDim] += 1;
            return s;
        }
        void Call(Tensor x)
        {
            using var m = create();
            m.call(x);
        }
        yield return new($"{name}/rank", () => Call(Float(wrongRank?.Invoke() ?? valid()[1..])), Shape(r));
        yield return new($"{name}/width", () => Call(Float(WrongWidth())), Shape(widthReporter ?? r));
        yield return new($"{name}/int64", () => Call(Long(valid())), NotFloat(r));
        yield return new($"{name}/float64", () => Call(Double(valid())), WrongFloat(r));
    }

    private static IEnumerable<NoAbortCase> Four(string name, Func<nn.Module<Tensor, Tensor>> create, long[] valid, int widthDim, long[]? wrongRank = null,
        string? reporter = null) =>
        Four(name, create, () => valid, widthDim, wrongRank is null ? null : () => wrongRank, reporter);

    public static IEnumerable<NoAbortCase> All()
    {
        // Models: the valid input is one sample of SampleShape; dimension 2 of [B, T, C, H, W] or [B, T, F] is the
        // channel or feature width.
        foreach (var (name, create) in SmallModels.All())
        {
            long[] Valid()
            {
                using var probe = create();
                return [1, .. probe.SampleShape];
            }
            // The models with a frame encoder hand it the clip first, so the encoder reports on it.
            var reporter = name is "ActionBert-e2e" or "CnnLstm" ? nameof(CnnFrameEncoder) : null;
            // ViViT and TimeSformer leave the channel check to their patch embedding.
            var widthReporter = name.StartsWith("ViViT", StringComparison.Ordinal) ? nameof(TubeletEmbedding)
                : name.StartsWith("TimeSformer", StringComparison.Ordinal) ? nameof(ConvPatchEmbedding) : null;
            foreach (var c in Four(name, create, Valid, 2, null, reporter, widthReporter)) yield return c;
        }

        // Patchifier has no parameters, hence no dtype of its own: float64 frames give float64 patches. Its "width" is a
        // frame side the patch does not divide.
        foreach (var c in Four(nameof(Patchifier), () => new Patchifier(16), [1, 2, 1, 32, 32], 3))
            yield return c.Name.EndsWith("/float64", StringComparison.Ordinal) ? c with { MessageParts = [], ExpectSuccess = true }
                : c.Name.EndsWith("/width", StringComparison.Ordinal) ? c with { MessageParts = [nameof(Patchifier), "does not divide the frame 33x32"] }
                : c;
        foreach (var c in Four(nameof(PatchEmbedding), () => new PatchEmbedding(48, 32), [1, 4, 48], 2, [48])) yield return c;
        foreach (var c in Four(nameof(ConvPatchEmbedding), () => new ConvPatchEmbedding(1, 32, 16, 16), [1, 2, 1, 32, 32], 2)) yield return c;
        foreach (var c in Four(nameof(TubeletEmbedding), () => new TubeletEmbedding(1, 32, 2, 16, 16), [1, 4, 1, 32, 32], 2)) yield return c;
        foreach (var c in Four(nameof(MultiHeadSelfAttention), () => new MultiHeadSelfAttention(32, 2), [1, 5, 32], 2, [32])) yield return c;
        yield return new($"{nameof(MultiHeadSelfAttention)}/mask-shape", () =>
        {
            using var m = new MultiHeadSelfAttention(32, 2);
            m.forward(Float(1, 5, 32), ones(new long[] { 1, 4 }, ScalarType.Bool));
        }, [nameof(MultiHeadSelfAttention), "key mask", "[1, 5]", "[1, 4]"]);
        yield return new($"{nameof(MultiHeadSelfAttention)}/mask-dtype", () =>
        {
            using var m = new MultiHeadSelfAttention(32, 2);
            m.forward(Float(1, 5, 32), ones(1, 5));
        }, [nameof(MultiHeadSelfAttention), "key mask", "Bool", "Float32"]);

        // The attention equation itself: q, k, v [B, H, N, d].
        yield return new("ScaledDotProduct/rank", () => Attention.ScaledDotProduct(Float(2, 5, 16), Float(1, 2, 5, 16), Float(1, 2, 5, 16), 0.25),
            ["ScaledDotProduct", "expected", "equal rank"]);
        yield return new("ScaledDotProduct/width", () => Attention.ScaledDotProduct(Float(1, 2, 5, 16), Float(1, 2, 5, 8), Float(1, 2, 5, 16), 0.25),
            ["ScaledDotProduct", "expected", "k [1, 2, 5, 8]"]);
        yield return new("ScaledDotProduct/keys-values", () => Attention.ScaledDotProduct(Float(1, 2, 5, 16), Float(1, 2, 5, 16), Float(1, 2, 6, 16), 0.25),
            ["ScaledDotProduct", "expected", "v [1, 2, 6, 16]"]);
        yield return new("ScaledDotProduct/int64", () => Attention.ScaledDotProduct(Long(1, 2, 5, 16), Long(1, 2, 5, 16), Long(1, 2, 5, 16), 0.25),
            ["ScaledDotProduct", "expected floating-point", "Int64"]);
        yield return new("ScaledDotProduct/float64", () => Attention.ScaledDotProduct(Float(1, 2, 5, 16), Double(1, 2, 5, 16), Double(1, 2, 5, 16), 0.25),
            ["ScaledDotProduct", "one dtype", "Float32, Float64, Float64"]);
        yield return new("ScaledDotProduct/mask-dtype", () => Attention.ScaledDotProduct(Float(1, 2, 5, 16), Float(1, 2, 5, 16), Float(1, 2, 5, 16), 0.25, ones(1, 1, 1, 5)),
            ["ScaledDotProduct", "key mask", "Bool", "Float32"]);

        foreach (var c in Four(nameof(TransformerBlock), () => new TransformerBlock(Options), [1, 5, 32], 2, [32])) yield return c;
        // The encoder is a stack of TransformerBlocks and leaves the checks to its first block.
        foreach (var c in Four(nameof(TransformerEncoder), () => new TransformerEncoder(Options, 2), [1, 5, 32], 2, [32], nameof(TransformerBlock))) yield return c;

        // DividedSpaceTimeBlock takes (cls [B, 1, D], tokens [B, T, S, D]).
        void Divided(Tensor cls, Tensor tokens)
        {
            using var m = new DividedSpaceTimeBlock(Options);
            m.call((cls, tokens));
        }
        const string dst = nameof(DividedSpaceTimeBlock);
        yield return new($"{dst}/rank", () => Divided(Float(1, 1, 32), Float(2, 4, 32)), Shape(dst));
        yield return new($"{dst}/width", () => Divided(Float(1, 1, 32), Float(1, 2, 4, 31)), Shape(dst));
        yield return new($"{dst}/int64", () => Divided(Long(1, 1, 32), Long(1, 2, 4, 32)), NotFloat(dst));
        yield return new($"{dst}/float64", () => Divided(Double(1, 1, 32), Double(1, 2, 4, 32)), WrongFloat(dst));
        yield return new($"{dst}/cls-shape", () => Divided(Float(1, 2, 32), Float(1, 2, 4, 32)), [dst, "expected the CLS token [1, 1, 32]", "[1, 2, 32]"]);
        yield return new($"{dst}/cls-dtype", () => Divided(Double(1, 1, 32), Float(1, 2, 4, 32)), [dst, "Float32", "Float64"]);

        foreach (var c in Four(nameof(FactorisedSelfAttentionBlock), () => new FactorisedSelfAttentionBlock(Options), [1, 2, 4, 32], 3)) yield return c;
        foreach (var c in Four(nameof(FactorisedDotProductAttention), () => new FactorisedDotProductAttention(32, 2), [1, 2, 4, 32], 3)) yield return c;
        foreach (var c in Four(nameof(ViViTShiftedWindow.WindowAttention3D), () => new ViViTShiftedWindow.WindowAttention3D(32, 2, (2, 2, 2), shifted: true),
                     [1, 2, 4, 4, 32], 4)) yield return c;
        foreach (var c in Four(nameof(LearnedPositionalEmbedding), () => new LearnedPositionalEmbedding(5, 32), [1, 5, 32], 2, [32])) yield return c;
        foreach (var c in Four(nameof(SpaceTimePositionalEmbedding), () => new SpaceTimePositionalEmbedding(2, 4, 32), [1, 2, 4, 32], 3)) yield return c;
        foreach (var c in Four(nameof(Mlp), () => new Mlp(32, 64), [1, 5, 32], 2, [])) yield return c;
        foreach (var c in Four(nameof(ClassificationHead), () => new ClassificationHead(32, 5), [2, 32], 1)) yield return c;
        foreach (var c in Four(nameof(CnnFrameEncoder), () => new CnnFrameEncoder(1, 16, 8), [1, 2, 1, 16, 16], 2)) yield return c;

        // Attention maps take one clip [1, T, C, H, W]; a 4-D clip is refused before the model runs.
        foreach (var name in new[] { "FrameViT", "ViViT-Joint", "TimeSformer-DividedSpaceTime" })
        {
            yield return new($"AttentionMaps-{name}/rank", () =>
            {
                using var m = SmallModels.Create(name);
                AttentionMaps.Compute(m, Float(m.SampleShape));
            }, ["AttentionMaps", "expected one clip [1, T, C, H, W]"]);
        }
        // A clip of the right shape but the wrong dtype reaches the model, which must refuse it the same way.
        yield return new("AttentionMaps-FrameViT/int64", () =>
        {
            using var m = SmallModels.Create("FrameViT");
            AttentionMaps.Compute(m, Long([1, .. m.SampleShape]));
        }, NotFloat("FrameViT"));
    }

    /// <summary>
    /// Runs every case, writing "BEGIN name" before it (so that an abort can be traced to its case) and then
    /// "CASE name ExceptionType first-line-of-message", or "CASE name OK" when it returned.
    /// </summary>
    public static void RunAll(TextWriter output)
    {
        var count = 0;
        foreach (var c in All())
        {
            output.WriteLine($"BEGIN {c.Name}");
            output.Flush();
            using var scope = NewDisposeScope();
            try
            {
                c.Run();
                output.WriteLine($"CASE {c.Name} OK");
            }
            catch (Exception e)
            {
                var first = e.Message.Split('\n')[0].TrimEnd('\r');
                output.WriteLine($"CASE {c.Name} {e.GetType().FullName} {first}");
            }
            output.Flush();
            count++;
        }
        output.WriteLine($"DONE {count}");
        output.Flush();
    }
}

/// <summary>
/// The demand: every public model and block, driven with wrong shapes and dtypes in a child process, throws a
/// .NET exception with a clear message, and the child exits normally. An abort (exit code 134) would name, through the
/// last BEGIN line, the case whose forward reached a fatal native call without validating first.
/// </summary>
public sealed class NoAbortTests : IClassFixture<NoAbortTests.Child>
{
    /// <summary>The child, run once for all cases; its CASE lines by case name.</summary>
    public sealed class Child : IDisposable
    {
        public Child()
        {
            Process = new ChildProcess("no-abort", ChildProcess.DotnetHost, [typeof(Program).Assembly.Location, "--child", "no-abort"]);
            Ended = ChildProcess.WaitAll(TimeSpan.FromSeconds(300), Process).GetAwaiter().GetResult();
            foreach (var line in Process.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r')))
            {
                if (!line.StartsWith("CASE ", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', 4);
                Lines[parts[1]] = (parts[2], parts.Length > 3 ? parts[3] : "");
            }
        }

        public ChildProcess Process { get; }
        public bool Ended { get; }
        public Dictionary<string, (string Type, string Message)> Lines { get; } = [];

        /// <summary>The case that was running when the output stopped, when it did not reach its CASE line.</summary>
        public string? LastBegun => Process.StandardOutput.Split('\n').Select(l => l.TrimEnd('\r'))
            .LastOrDefault(l => l.StartsWith("BEGIN ", StringComparison.Ordinal))?[6..];

        public void Dispose() => Process.Dispose();
    }

    private readonly Child _child;

    public NoAbortTests(Child child) => _child = child;

    public static IEnumerable<object[]> Cases() => NoAbortCases.All().Select(c => new object[] { c.Name });

    [Fact]
    public void The_child_runs_every_case_and_exits_normally()
    {
        _child.Ended.Should().BeTrue($"the child must end, not hang:\n{ChildProcess.Describe(_child.Process)}");
        _child.Process.ExitCode.Should().NotBe(134, $"case {_child.LastBegun} aborted the process:\n{ChildProcess.Describe(_child.Process)}");
        _child.Process.ExitCode.Should().Be(0, ChildProcess.Describe(_child.Process));
        var names = NoAbortCases.All().Select(c => c.Name).ToList();
        names.Should().OnlyHaveUniqueItems();
        _child.Process.StandardOutput.Should().Contain($"DONE {names.Count}");
        _child.Lines.Keys.Should().BeEquivalentTo(names, "every case prints one CASE line");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_misuse_throws_an_argument_exception_that_names_the_module_and_what_it_expected(string name)
    {
        var c = NoAbortCases.All().Single(c => c.Name == name);
        _child.Lines.Should().ContainKey(name, $"the child must report {name} (exit code {(_child.Process.HasExited ? _child.Process.ExitCode : -1)}, " +
            $"last case begun: {_child.LastBegun}):\n{ChildProcess.Describe(_child.Process)}");
        var (type, message) = _child.Lines[name];
        if (c.ExpectSuccess)
        {
            type.Should().Be("OK", $"{name} is a valid call ({message})");
            return;
        }
        type.Should().NotBe("OK", $"{name} must be refused");
        var thrown = Type.GetType(type);
        thrown.Should().NotBeNull($"{name} threw {type}: {message}");
        thrown!.Should().BeAssignableTo<ArgumentException>($"{name} threw {type}: {message}");
        foreach (var part in c.MessageParts)
            message.Should().Contain(part, $"the message of {name} names the module and what it expected");
    }
}
