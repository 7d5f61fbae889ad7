using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>
/// An in-memory batch source over whole tensors (inputs [N, ...], labels [N]), shuffled per epoch from a seed.
/// Useful for tests, feature sets that fit in memory, and overfitting checks.
/// </summary>
public sealed class TensorBatchSource : IBatchSource, IDisposable
{
    private readonly Tensor _inputs;
    private readonly Tensor _labels;

    /// <summary>Creates the source; it keeps its own handles to the tensors.</summary>
    public TensorBatchSource(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<string> classNames, bool shuffle = true, bool dropLast = false, int seed = 0)
    {
        if (inputs.size(0) != labels.size(0))
            throw new ArgumentException($"inputs hold {inputs.size(0)} samples but labels hold {labels.size(0)}.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        _inputs = inputs.alias().DetachFromDisposeScope();
        _labels = labels.alias().DetachFromDisposeScope();
        BatchSize = batchSize;
        ClassNames = classNames;
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed;
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Reshuffle every epoch.</summary>
    public bool Shuffle { get; }
    /// <summary>Drop the last incomplete batch.</summary>
    public bool DropLast { get; }
    /// <summary>Shuffling seed.</summary>
    public int Seed { get; }
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }
    /// <inheritdoc />
    public int SampleCount => (int)_inputs.size(0);
    /// <inheritdoc />
    public int BatchCount => DropLast ? SampleCount / BatchSize : (SampleCount + BatchSize - 1) / BatchSize;

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch)
    {
        var order = Enumerable.Range(0, SampleCount).ToArray();
        // HashCode.Combine is randomised per process; a fixed formula keeps epochs reproducible across runs.
        if (Shuffle) new Random(unchecked(Seed * 1_000_003 + epoch)).Shuffle(order);
        for (var b = 0; b < BatchCount; b++)
        {
            var idx = order.Skip(b * BatchSize).Take(BatchSize).ToArray();
            using var index = tensor(idx.Select(i => (long)i).ToArray());
            var x = _inputs.index_select(0, index).DetachFromDisposeScope();
            var y = _labels.index_select(0, index).DetachFromDisposeScope();
            yield return new Batch(x, y, idx);
        }
    }

    /// <summary>Frees the source's handles.</summary>
    public void Dispose()
    {
        _inputs.Dispose();
        _labels.Dispose();
    }
}
