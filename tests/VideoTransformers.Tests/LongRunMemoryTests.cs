using FluentAssertions;
using VideoTransformers.Blocks;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (live tensor counts)";
}

/// <summary>Native memory over a long run: the live-tensor count must not drift, step after step.</summary>
[Collection(SerialCollection.Name)]
public class LongRunMemoryTests
{
    [Fact]
    public void Live_tensors_stay_flat_over_ten_thousand_training_steps()
    {
        manual_seed(41);
        // Tensors that earlier tests in this process dropped without disposing are freed by their finalizers whenever
        // the GC runs; settle them first, so that the counts below measure this run alone.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = TensorAccounting.LiveTensors;
        var parameters = 0;
        using (var block = new TransformerBlock(new TransformerOptions { Dim = 8, Heads = 2, MlpDim = 16, DropPath = 0.1, Dropout = 0.1 }))
        using (var head = nn.Linear(8, 3))
        using (var opt = optim.AdamW(block.parameters().Concat(head.parameters()), lr: 1e-3, weight_decay: 0.01))
        using (var data = NewDisposeScope())
        {
            parameters = block.parameters().Count() + head.parameters().Count();
            var x = randn(new long[] { 4, 5, 8 });
            var y = tensor(new long[] { 0, 1, 2, 1 }, new long[] { 4 });
            var counts = new List<long>();
            for (var step = 1; step <= 10_000; step++)
            {
                using (var scope = NewDisposeScope())
                {
                    var loss = nn.functional.cross_entropy(head.forward(block.forward(x).mean(new long[] { 1 })), y, label_smoothing: 0.1);
                    opt.zero_grad();
                    loss.backward();
                    nn.utils.clip_grad_norm_(block.parameters(), 1.0);
                    opt.step();
                }
                if (step % 1000 == 0) counts.Add(TensorAccounting.LiveTensors);
            }
            counts.Distinct().Should().ContainSingle($"the live-tensor count must be the same after every 1,000 steps, got {string.Join(", ", counts)}");
        }
        // TorchSharp 0.107 keeps one counted handle per Parameter after its module is disposed (measured in
        // Torch.Tests' MemoryTests), so "everything freed" reads as exactly one leftover per parameter.
        TensorAccounting.LiveTensors.Should().Be(before + parameters, "disposing the modules, optimizer and data frees everything but TorchSharp's per-Parameter handle");
    }
}
