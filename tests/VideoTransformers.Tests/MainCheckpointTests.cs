using FluentAssertions;
using TorchSharp;
using VideoTransformers.Models;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using VideoTransformers.Torch.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>
/// Checkpoints written by main at c5c74e4, the last commit on the project's own libtorch 1.13 binding
/// (Fixtures/main-c5c74e4; the writer is WriteFixtures.cs.txt there): every small model loads them strictly under the
/// same parameter names and gives the logits it gave then. Float64 logits must agree to 1e-10; float32 ones to the
/// suite's float32 tolerance, since libtorch 2.10 (MKL) and 1.13 (OpenBLAS) may round GEMMs differently.
/// </summary>
public class MainCheckpointTests
{
    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "main-c5c74e4", file);

    /// <summary>The small models that came after c5c74e4, which therefore have no fixture there.</summary>
    private static readonly string[] Newer = ["ViViT-ShiftedWindow"];

    public static IEnumerable<object[]> Names() => SmallModels.Names().Where(n => !Newer.Contains((string)n[0]));

    [Fact]
    public void Every_small_model_but_the_newer_ones_has_a_fixture_and_every_fixture_a_model()
    {
        var fixtures = Directory.GetFiles(Path.GetDirectoryName(Fixture("x"))!, "*.logits.safetensors")
            .Select(f => Path.GetFileName(f)[..^".logits.safetensors".Length]);
        var models = SmallModels.All().Select(m => m.name).ToList();
        models.Should().Contain(Newer);
        fixtures.Should().BeEquivalentTo(models.Except(Newer));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Checkpoint_written_by_main_gives_the_same_logits(string name)
    {
        using var model = SmallModels.Create(name);
        model.eval();
        using var scope = NewDisposeScope();
        var weights = SafeTensors.load(Fixture($"{name}.safetensors"), out var metadata);
        metadata.Should().ContainKey("writer").WhoseValue.Should().StartWith("main c5c74e4");
        model.load_state_dict_checked(weights, strict: true);
        var io = SafeTensors.load(Fixture($"{name}.logits.safetensors"));
        using (no_grad())
        {
            var logits = model.forward(io["input"]);
            var (atol, rtol) = TensorAssert.DefaultTolerance(ScalarType.Float32);
            TensorAssert.Close(logits, io["logits_f32"], atol, rtol, $"{name} float32 logits");
        }
        model.to(ScalarType.Float64);
        using (no_grad())
        {
            var logits = model.forward(io["input"].to(ScalarType.Float64));
            TensorAssert.Close(logits, io["logits_f64"], 1e-10, 1e-10, $"{name} float64 logits");
        }
    }
}
