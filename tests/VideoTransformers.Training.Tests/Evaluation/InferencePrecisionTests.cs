using FluentAssertions;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Evaluation;

/// <summary>
/// bfloat16 inference (InferencePrecision.BFloat16) must keep a trained model's results: the same accuracy and nearly
/// the same loss and logits as float32, on float32 batches that the evaluator converts.
/// </summary>
public class InferencePrecisionTests
{
    private static FrameViT Trained()
    {
        manual_seed(7);
        var model = TinyTask.Model();
        using var source = TinyTask.Source(64, 4, 8, shuffleSeed: 3);
        using var opt = optim.AdamW(model.parameters(), lr: 2e-3);
        model.train();
        for (var epoch = 0; epoch < 12; epoch++)
        {
            foreach (var batch in source.GetBatches(epoch))
            {
                using var owned = batch;
                using var scope = NewDisposeScope();
                var loss = nn.functional.cross_entropy(model.forward(batch.Inputs), batch.Labels);
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
        }
        model.eval();
        return model;
    }

    [Fact]
    public void A_bfloat16_copy_of_a_trained_model_scores_like_the_float32_one()
    {
        using var fp32 = Trained();
        using var bf16 = TinyTask.CopyOf(fp32).ForInference(InferencePrecision.BFloat16);
        bf16.parameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16);
        bf16.training.Should().BeFalse();

        // The training clips, unshuffled: what is compared is the two precisions on a confident model, not generalisation.
        using var test = TinyTask.Source(64, 4, 16, shuffle: false);
        var a = Evaluator.Evaluate(fp32, test);
        var b = Evaluator.Evaluate(bf16, test);
        // Trained to separate the classes (not a vacuous comparison of two chance-level models).
        a.Top1.Should().BeGreaterThan(0.9);
        b.Top1.Should().Be(a.Top1);
        a.Loss.Should().NotBeNull();
        b.Loss!.Value.Should().BeApproximately(a.Loss!.Value, 0.02 + 0.02 * a.Loss.Value);

        // The logits themselves: bfloat16 keeps 8 bits of mantissa, so agreement to about 1e-2 of their scale.
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var batch = test.GetBatches(0).First();
        using var owned = batch;
        var la = fp32.forward(batch.Inputs);
        var lb = bf16.forward(bf16.MatchInput(batch.Inputs)).to(ScalarType.Float32);
        lb.dtype.Should().Be(ScalarType.Float32);
        var scale = la.abs().max().item<float>();
        (la - lb).abs().max().item<float>().Should().BeLessThan(0.03f * scale).And.BeGreaterThan(0f);
        la.argmax(1).equal(lb.argmax(1)).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void ForInference_in_float32_leaves_the_weights_alone_and_sets_eval_mode()
    {
        using var model = TinyTask.Model();
        model.train();
        var before = model.parameters().First();
        model.ForInference(InferencePrecision.Float32).Should().BeSameAs(model);
        model.training.Should().BeFalse();
        model.parameters().First().Should().BeSameAs(before);
    }

    [Fact]
    public void MatchInput_converts_floating_inputs_and_leaves_labels_integer()
    {
        using var model = TinyTask.Model().ForInference(InferencePrecision.BFloat16);
        using var x = randn(new long[] { 2, 4, 1, 32, 32 });
        using var y = tensor(new long[] { 1, 2 });
        using var mx = model.MatchInput(x);
        using var my = model.MatchInput(y);
        mx.dtype.Should().Be(ScalarType.BFloat16);
        my.dtype.Should().Be(ScalarType.Int64);
        // A float32 input into the bfloat16 model without MatchInput is refused with a clear message, not an abort.
        var act = () => model.forward(x);
        act.Should().Throw<ArgumentException>().WithMessage("*BFloat16*Float32*");
    }

    [Theory]
    [InlineData("fp32", InferencePrecision.Float32)]
    [InlineData("FLOAT32", InferencePrecision.Float32)]
    [InlineData("bf16", InferencePrecision.BFloat16)]
    [InlineData("bfloat16", InferencePrecision.BFloat16)]
    public void Precision_names_parse(string name, InferencePrecision expected)
    {
        InferencePrecisionExtensions.Parse(name).Should().Be(expected);
        InferencePrecisionExtensions.Parse(expected.Name()).Should().Be(expected);
    }

    [Fact]
    public void An_unknown_precision_name_is_refused_with_the_choices()
    {
        var act = () => InferencePrecisionExtensions.Parse("fp16");
        act.Should().Throw<ArgumentException>().WithMessage("*fp16*fp32 or bf16*");
    }
}
