using VideoTransformers.TestSupport;
using VideoTransformers.DistributedWorker;
using FluentAssertions;
using VideoTransformers.Torch;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static VideoTransformers.Training.Tests.Distributed.DistributedSupport;

namespace VideoTransformers.Training.Tests.Distributed;

[Collection(GlobalTorchState.Name)]
public class DistributedDataParallelTests
{
    [Fact]
    public void Buckets_keep_parameter_order_stay_under_the_cap_and_never_mix_dtypes()
    {
        using var a = zeros(10);          // 40 bytes
        using var b = zeros(10);          // 40
        using var big = zeros(100);       // 400, over the cap: alone
        using var d = zeros([3], float64); // 24, another dtype
        using var e = zeros(5);           // 20
        var tensors = new[] { a, b, big, d, e };
        var plan = GradientBuckets.Plan(tensors, capBytes: 100);

        // By reference: TorchSharp's Tensor.Equals compares values, and a and b are equal zeros.
        plan.Select(bucket => bucket.Select(t => Array.FindIndex(tensors, x => ReferenceEquals(x, t)))).Should().BeEquivalentTo(
            new[] { new[] { 0, 1 }, new[] { 2 }, new[] { 4 }, new[] { 3 } }, o => o.WithStrictOrdering());
    }

    [SkippableFact]
    public void Averaging_over_a_world_of_one_leaves_every_gradient_bit_for_bit_and_weights_scale_them_exactly()
    {
        RequireMpi();
        using var group = SoloGroup();
        manual_seed(4);
        using var model = TinyTask.Model();
        // A cap below one parameter's size puts every parameter in a bucket of its own; 4 KB mixes both cases.
        foreach (var cap in new long[] { 1, 4096, DistributedDataParallel.DefaultBucketBytes })
        {
            var ddp = new DistributedDataParallel(model, group, cap);
            ddp.Buckets.SelectMany(x => x).Should().Equal(model.parameters().Where(p => p.requires_grad), "every trainable parameter is in exactly one bucket, in order");
            if (cap == 1) ddp.Buckets.Should().HaveCount(model.parameters().Count());

            using var scope = NewDisposeScope();
            model.zero_grad();
            using (var x = randn([3, 4, 1, 32, 32]))
            using (var y = tensor(new long[] { 0, 1, 2 }))
                nn.functional.cross_entropy(model.forward(x), y).backward();
            var before = model.parameters().Select(p => p.grad!.clone()).ToList();

            ddp.AllReduceGradients();
            model.parameters().Select(p => p.grad!).Zip(before).Should().AllSatisfy(g => g.First.Identical(g.Second).Should().BeTrue());

            ddp.AllReduceGradients(0.25);
            model.parameters().Select(p => p.grad!).Zip(before).Should().AllSatisfy(g => g.First.Identical(g.Second.mul(0.25)).Should().BeTrue());
        }
    }

    [SkippableFact]
    public void A_parameter_without_a_gradient_receives_the_reduced_zeros()
    {
        RequireMpi();
        using var group = SoloGroup();
        manual_seed(5);
        using var model = TinyTask.Model();
        model.zero_grad();
        new DistributedDataParallel(model, group).AllReduceGradients(1.0);

        using var scope = NewDisposeScope();
        model.parameters().Should().AllSatisfy(p =>
        {
            var g = p.grad;
            g.Should().NotBeNull();
            g!.shape.Should().Equal(p.shape);
            g.abs().max().ToDouble().Should().Be(0);
        });
    }

    [SkippableFact]
    public void Broadcasting_the_state_in_a_world_of_one_keeps_the_weights_and_buffers()
    {
        RequireMpi();
        using var group = SoloGroup();
        // A model with float and int64 buffers, and another built from another seed: the check below can tell them apart.
        manual_seed(6);
        using var model = BroadcastModel.Create(rank: 0);
        manual_seed(7);
        using var other = BroadcastModel.Create(rank: 0);
        using var scope = NewDisposeScope();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        model.named_buffers().Should().Contain(b => b.name.EndsWith(".num_batches_tracked", StringComparison.Ordinal));
        other.state_dict().Should().Contain(kv => !kv.Value.Identical(before[kv.Key]), "another seed gives other weights");

        new DistributedDataParallel(model, group, bucketBytes: 2048).BroadcastState();

        foreach (var (key, value) in model.state_dict()) TensorAssert.Equal(value, before[key], key);
        model.parameters().Should().AllSatisfy(p => p.requires_grad.Should().BeTrue());
    }
}
