using VideoTransformers.Data.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Distributed;

/// <summary>
/// One rank's share of any <see cref="IBatchSource"/>: every rank iterates the same global batches (the source's
/// order depends only on its seed and the epoch) and keeps a contiguous slice of each, rank r of W taking samples
/// [start, start + count) as <see cref="SliceOf"/> says (the first B mod W ranks get one sample more). The ranks
/// together see exactly the batches a single process would, so averaging gradients with weights n/N (see
/// <see cref="DistributedDataParallel.AllReduceGradients(double)"/>) reproduces single-process training on the
/// combined batch. Every rank builds (loads, decodes, augments) the whole global batch and drops the rest; the
/// price of working over any source.
/// </summary>
public sealed class ShardedBatchSource : IBatchSource
{
    /// <summary>Wraps <paramref name="source"/> (which the caller keeps owning) for rank <paramref name="rank"/> of <paramref name="worldSize"/>.</summary>
    public ShardedBatchSource(IBatchSource source, int rank, int worldSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        Source = source;
        Rank = rank;
        WorldSize = worldSize;
    }

    /// <summary>Shards <paramref name="source"/> for this process's rank in <paramref name="group"/>.</summary>
    public ShardedBatchSource(IBatchSource source, ProcessGroup group)
        : this(source, (group ?? throw new ArgumentNullException(nameof(group))).Rank, group.WorldSize)
    {
    }

    /// <summary>The global source.</summary>
    public IBatchSource Source { get; }
    /// <summary>This shard's rank.</summary>
    public int Rank { get; }
    /// <summary>The number of shards.</summary>
    public int WorldSize { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Source.ClassNames;

    /// <summary>The number of samples of the global source (this rank trains on about 1/<see cref="WorldSize"/> of them).</summary>
    public int SampleCount => Source.SampleCount;

    /// <summary>The number of global batches: every rank takes the same number of steps.</summary>
    public int BatchCount => Source.BatchCount;

    /// <summary>The slice of a global batch of <paramref name="batchSize"/> samples that rank <paramref name="rank"/> of <paramref name="worldSize"/> takes (numpy's array_split).</summary>
    public static (int Start, int Count) SliceOf(int batchSize, int rank, int worldSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"the rank must be in 0..{worldSize - 1}");
        var (q, r) = Math.DivRem(batchSize, worldSize);
        return (rank * q + Math.Min(rank, r), q + (rank < r ? 1 : 0));
    }

    /// <summary>This rank's slice of each of the source's batches for <paramref name="epoch"/> (possibly empty when a batch has fewer samples than ranks).</summary>
    public IEnumerable<Batch> GetBatches(int epoch)
    {
        foreach (var global in Source.GetBatches(epoch))
        {
            using (global)
            {
                var (start, count) = SliceOf(global.Size, Rank, WorldSize);
                // Clones rather than views, so the global batch's memory goes back as soon as it is sliced.
                yield return new Batch(Slice(global.Inputs, start, count), Slice(global.Labels, start, count),
                    global.Indices.Skip(start).Take(count).ToArray(), global.Lengths is { } l ? Slice(l, start, count) : null);
            }
        }
    }

    private static Tensor Slice(Tensor t, int start, int count)
    {
        using var view = t.narrow(0, start, count);
        return view.clone().DetachFromDisposeScope();
    }
}
