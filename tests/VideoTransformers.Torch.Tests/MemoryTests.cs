using System.Runtime.InteropServices;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// TorchSharp tensor handles are counted (<c>TensorAccounting.LiveTensors</c>); these tests show that the patterns the
/// library relies on (dispose scopes around each training step, disposing modules, failed ops) leave none behind.
/// They run alone (see <see cref="ProcessStateCollection"/>).
/// </summary>
[Collection(ProcessStateCollection.Name)]
public class MemoryTests
{
    /// <summary>The live count once finalizable garbage from earlier tests has been collected.</summary>
    private static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TensorAccounting.LiveTensors;
    }

    [Fact]
    public void A_thousand_training_steps_inside_dispose_scopes_leave_the_live_tensor_count_flat()
    {
        var d = new TestData(70);
        using var x = d.Randn([32, 8]);
        using var y = d.Randint(0, 4, [32]);
        using var net = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16), nn.Linear(16, 4));
        using var opt = optim.Adam(net.parameters(), lr: 1e-2);

        double Step()
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = F.cross_entropy(net.call(x), y);
            loss.backward();
            opt.step();
            return loss.ToDouble();
        }

        // The baseline is taken after the first step: creating parameters, their gradients and the optimizer's
        // state legitimately adds handles once.
        var first = Step();
        var afterFirst = SettledCount();
        var last = first;
        for (var i = 1; i < 1000; i++)
        {
            last = Step();
            if (i % 250 == 0) TensorAccounting.LiveTensors.Should().Be(afterFirst, $"no growth by step {i}");
        }
        SettledCount().Should().Be(afterFirst, "1,000 steps must not leak handles");
        last.Should().BeLessThan(first * 0.5, "the steps really trained the net");
    }

    [Fact]
    public void Without_a_dispose_scope_the_count_grows_so_the_flat_count_above_means_something()
    {
        using var net = nn.Linear(4, 2);
        using var x = ones(3, 4);
        var start = TensorAccounting.LiveTensors;
        var kept = new List<Tensor>();
        for (var i = 0; i < 10; i++) kept.Add(net.call(x).sum());
        TensorAccounting.LiveTensors.Should().BeGreaterThanOrEqualTo(start + 10);
        foreach (var t in kept) t.Dispose();
    }

    [Fact]
    public void Disposing_a_module_frees_its_parameters_and_buffers()
    {
        var start = SettledCount();
        var net = nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3), nn.BatchNorm1d(3), nn.Linear(3, 2, hasBias: false));
        var parameters = net.parameters().ToList();
        parameters.Should().HaveCount(7);
        net.buffers().Should().HaveCount(3);
        TensorAccounting.LiveTensors.Should().BeGreaterThan(start);

        net.Dispose();
        parameters.Should().OnlyContain(p => p.IsInvalid);
        // TorchSharp 0.107 counts one handle per Parameter that it never uncounts (making a Parameter moves the
        // tensor's handle; measured): exactly one per parameter remains, the buffers and everything else are freed.
        SettledCount().Should().Be(start + parameters.Count);
    }

    [Fact]
    public void Failed_ops_and_gradient_reads_leak_nothing()
    {
        var start = SettledCount();
        using (var scope = NewDisposeScope())
        {
            var a = ones([2, 3], requires_grad: true);
            for (var i = 0; i < 100; i++)
            {
                // mm and cat throw catchably (unlike matmul, see CanaryTests).
                ((Action)(() => a.mm(ones(4, 5)))).Should().Throw<ExternalException>();
                ((Action)(() => cat([ones(2, 3), ones(2, 4)], 0))).Should().Throw<ExternalException>();
            }
            (a * a).sum().backward();
            for (var i = 0; i < 10; i++) a.grad!.sum();
        }
        SettledCount().Should().Be(start);
    }
}
