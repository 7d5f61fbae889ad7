using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using static VideoTransformers.Torch.torch;
using F = VideoTransformers.Torch.torch.nn.functional;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// Native tensor handles are counted by the shim (<c>live_tensor_count()</c>); these tests prove that training loops,
/// failures and module disposal leave none behind. They run alone (see <see cref="ProcessStateCollection"/>).
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
        return live_tensor_count();
    }

    [Fact]
    public void A_thousand_training_steps_inside_dispose_scopes_leave_the_live_tensor_count_where_it_started()
    {
        var start = SettledCount();
        var d = new TestData(70);
        var x = d.Randn([32, 8]);
        var y = d.Randint(0, 4, [32]);
        var net = new nn.Sequential(new nn.Linear(8, 16), new nn.LayerNorm(16), new nn.Linear(16, 4));
        var opt = new optim.Adam(net.parameters(), lr: 1e-2);

        double Step()
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = F.cross_entropy(net.forward(x), y);
            loss.backward();
            opt.step();
            return loss.item<double>();
        }

        var first = Step();
        var afterFirst = live_tensor_count(); // the optimizer's state now exists
        double last = first;
        for (var i = 1; i < 1000; i++)
        {
            last = Step();
            if (i % 250 == 0) live_tensor_count().Should().Be(afterFirst, $"no growth by step {i}");
        }
        live_tensor_count().Should().Be(afterFirst, "1,000 steps must not leak handles");
        last.Should().BeLessThan(first * 0.5, "the steps really trained the net");

        opt.Dispose();
        net.Dispose();
        x.Dispose();
        y.Dispose();
        live_tensor_count().Should().Be(start, "disposing the net, the optimizer and the data frees everything");
    }

    [Fact]
    public void Disposing_a_module_frees_its_parameters_and_buffers()
    {
        var start = SettledCount();
        var net = new nn.Sequential(new nn.Linear(4, 3), new nn.LayerNorm(3), new nn.BatchNorm(3, 1), new nn.Linear(3, 2, hasBias: false));
        var parameters = net.parameters().ToList();
        parameters.Should().HaveCount(7);
        net.buffers().Should().HaveCount(3);
        live_tensor_count().Should().Be(start + 10, "each parameter and buffer holds one handle");

        net.Dispose();
        live_tensor_count().Should().Be(start);
        parameters.Should().OnlyContain(p => p.IsInvalid);
        ((Action)(() => parameters[0].sum())).Should().Throw<ObjectDisposedException>();
        net.Dispose(); // idempotent
        live_tensor_count().Should().Be(start);
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
                try { a.matmul(ones(4, 5)); } catch (TorchException) { }
                try { ones(3).topk(5); } catch (TorchException) { }
            }
            (a * a).sum().backward();
            for (var i = 0; i < 10; i++) a.grad!.sum();
        }
        live_tensor_count().Should().Be(start);
    }

    [Fact]
    public void Optimizer_state_is_freed_by_dispose()
    {
        var start = SettledCount();
        nn.Parameter p;
        using (var init = ones(3)) p = new nn.Parameter(init);
        var opt = new optim.Adam([p], amsgrad: true);
        using (NewDisposeScope())
        {
            (p * p).sum().backward();
            opt.step();
        }
        opt.state_dict().Tensors.Should().HaveCount(3);
        opt.Dispose();
        p.grad = null;
        p.Dispose();
        live_tensor_count().Should().Be(start);
    }
}
