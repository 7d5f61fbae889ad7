using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Distributed;

/// <summary>
/// Data-parallel training of one module replicated on every rank of a <see cref="ProcessGroup"/>, as PyTorch's
/// DistributedDataParallel does it but after the backward pass rather than overlapped with it:
/// <see cref="BroadcastState"/> makes every replica start from rank 0's weights, and
/// <see cref="AllReduceGradients()"/> averages the gradients so that every rank takes the same optimizer step.
/// <para>
/// Gradients travel in buckets of about <see cref="BucketBytes"/>: each bucket's gradients are flattened into one
/// contiguous tensor with <c>torch.cat</c>, summed with a single all-reduce, and copied back through views of
/// <c>split</c>, so the cost is a few large messages instead of one per parameter. Every rank must build its
/// replica identically (same parameter order, shapes and dtypes) and call the same methods in the same order.
/// </para>
/// </summary>
public sealed class DistributedDataParallel
{
    /// <summary>The default bucket size, PyTorch's 25 MB.</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;

    private readonly ILogger _logger;
    private readonly List<List<Parameter>> _buckets;

    /// <summary>Wraps <paramref name="module"/> (which the caller keeps owning) for data-parallel training over <paramref name="group"/>.</summary>
    /// <param name="module">The local replica.</param>
    /// <param name="group">The process group; every rank passes its own.</param>
    /// <param name="bucketBytes">The largest bucket of gradients sent in one all-reduce (a bigger parameter gets a bucket of its own).</param>
    /// <param name="logger">Receives the bucket layout; optional.</param>
    public DistributedDataParallel(nn.Module module, ProcessGroup group, long bucketBytes = DefaultBucketBytes, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        Module = module;
        Group = group;
        BucketBytes = bucketBytes;
        _logger = logger ?? NullLogger.Instance;
        _buckets = GradientBuckets.Plan(module.parameters().Where(p => p.requires_grad), bucketBytes);
        _logger.LogDebug("Rank {Rank}: {Parameters} trainable parameters in {Buckets} gradient buckets of at most {Bytes:N0} bytes",
            group.Rank, _buckets.Sum(b => b.Count), _buckets.Count, bucketBytes);
    }

    /// <summary>The local replica.</summary>
    public nn.Module Module { get; }

    /// <summary>The process group.</summary>
    public ProcessGroup Group { get; }

    /// <summary>The byte cap of one gradient bucket.</summary>
    public long BucketBytes { get; }

    /// <summary>The trainable parameters, bucket by bucket, in the order their all-reduces run.</summary>
    public IReadOnlyList<IReadOnlyList<Parameter>> Buckets => _buckets;

    /// <summary>
    /// Overwrites every parameter (trainable or frozen) and buffer with rank <paramref name="root"/>'s values, so that
    /// all replicas start identical whatever seed each process built its replica with.
    /// </summary>
    public void BroadcastState(int root = 0)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tensors = Module.parameters().Cast<Tensor>().Concat(Module.buffers()).ToList();
        foreach (var bucket in GradientBuckets.Plan(tensors, BucketBytes))
        {
            var flat = cat(bucket.Select(t => t.reshape(-1)).ToList());
            Group.broadcast_(root, flat);
            if (Group.Rank == root) continue;
            var pieces = flat.split(bucket.Select(t => t.numel()).ToArray());
            for (var i = 0; i < bucket.Count; i++) bucket[i].copy_(pieces[i].view(bucket[i].shape));
        }
    }

    /// <summary>
    /// Replaces every trainable parameter's gradient with the mean over the ranks. Right for a loss averaged over
    /// equal shares of the global batch; for unequal shares use <see cref="AllReduceGradients(double)"/>.
    /// </summary>
    public void AllReduceGradients() => AllReduceGradients(1.0 / Group.WorldSize);

    /// <summary>
    /// Replaces every trainable parameter's gradient with Σ over ranks of (that rank's <paramref name="weight"/> × its
    /// gradient). With a loss averaged over this rank's n samples of a global batch of N, a weight of n/N makes the
    /// result exactly the gradient of the loss averaged over the global batch. A parameter without a gradient on this
    /// rank (for example, a rank whose share of the batch was empty) contributes zeros and receives the sum.
    /// </summary>
    public void AllReduceGradients(double weight)
    {
        if (!double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "the weight must be finite");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var bucket in _buckets)
        {
            var grads = bucket.Select(p => p.grad).ToArray();
            var flat = cat(bucket.Select((p, i) => (grads[i] ?? zeros_like(p)).reshape(-1)).ToList());
            // Scaling before the sum (as PyTorch's reducer does) keeps a world of one bit for bit unchanged at weight 1.
            if (weight != 1) flat.mul_(weight);
            Group.all_reduce_(flat);
            var pieces = flat.split(bucket.Select(p => p.numel()).ToArray());
            for (var i = 0; i < bucket.Count; i++)
            {
                var reduced = pieces[i].view(bucket[i].shape);
                if (grads[i] is { } g) g.copy_(reduced);
                else bucket[i].grad = reduced.clone();
            }
        }
    }
}
