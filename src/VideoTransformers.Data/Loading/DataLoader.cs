using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>
/// Batches an <see cref="IVideoDataset"/> for training or evaluation: shuffles per epoch, loads each sample, converts its
/// frames to a float32 clip <c>[T, C, H, W]</c> in [0, 1], applies a <see cref="ClipTransform"/>, and collates
/// <see cref="Batch"/>es of inputs <c>[B, T, C, H, W]</c> float32 and labels <c>[B]</c> int64.
/// </summary>
/// <remarks>
/// <para><b>Reproducibility.</b> The order of an epoch is a permutation seeded by <see cref="LoaderSeeds.EpochSeed"/>; every
/// sample gets its own <see cref="Random"/> seeded by <see cref="LoaderSeeds.SampleSeed"/>(seed, epoch, dataset index), which
/// first feeds the dataset's temporal sampling and then the transform. Batches are therefore bitwise identical for a given
/// (seed, epoch) whatever <see cref="DataLoaderOptions.Workers"/> is and however the workers are scheduled.</para>
/// <para><b>Workers.</b> With <c>Workers &gt; 0</c>, that many background threads build whole batches ahead of the consumer, at most
/// <see cref="DataLoaderOptions.Prefetch"/> finished ones waiting; the dataset must then allow concurrent
/// <see cref="IVideoDataset.GetSample"/> calls (all datasets in this library do). A failing sample is rethrown to the consumer
/// as a <see cref="DataLoaderException"/> naming its dataset index, when the consumer reaches its batch. Leaving the
/// enumeration early, cancelling its token or disposing the loader stops the workers and frees undelivered batches.</para>
/// <para><b>Threads.</b> Every worker runs libtorch ops (conversion, interpolate, grid_sample) and each op may use up to
/// <c>torch.get_num_threads()</c> intra-op threads, a process-wide setting (<c>torch.set_num_threads</c>) that the training
/// loop shares. Keep <c>(Workers + 1) × threads</c> near the number of cores: on a 2-core machine use
/// <c>torch.set_num_threads(1)</c> with one or two workers, or workers = 0 with two threads. The loader logs a warning
/// when <c>Workers × threads</c> exceeds the cores, and never changes the setting itself.</para>
/// <para>The consumer owns every batch it receives and must dispose it (the batch's tensors belong to no dispose scope).</para>
/// </remarks>
public sealed class DataLoader : IBatchSource, IDisposable
{
    private readonly ClipTransform? _transform;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private bool _disposed;

    /// <summary>Creates a loader over <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="options">Batching, shuffling and workers; the defaults when null.</param>
    /// <param name="transform">Applied to each clip <c>[T, C, H, W]</c> in [0, 1]; null keeps the clip as decoded.</param>
    /// <param name="logger">Receives progress and thread warnings.</param>
    public DataLoader(IVideoDataset dataset, DataLoaderOptions? options = null, ClipTransform? transform = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
        Options = (options ?? new DataLoaderOptions()).Validate();
        _transform = transform;
        _logger = logger ?? NullLogger.Instance;
        if (Options.Workers > 0)
        {
            int threads = get_num_threads();
            if (Options.Workers * threads > Environment.ProcessorCount)
                _logger.LogWarning("{Workers} loader workers x {Threads} torch threads oversubscribe {Cores} cores; call torch.set_num_threads(1) or use fewer workers",
                    Options.Workers, threads, Environment.ProcessorCount);
        }
    }

    /// <summary>The dataset.</summary>
    public IVideoDataset Dataset { get; }

    /// <summary>The options.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>The transform applied to each clip, or null.</summary>
    public ClipTransform? Transform => _transform;

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Dataset.ClassNames;

    /// <inheritdoc />
    public int SampleCount => Dataset.Count;

    /// <inheritdoc />
    public int BatchCount => Options.DropLast ? SampleCount / Options.BatchSize : (SampleCount + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The dataset indices of <paramref name="epoch"/> in visiting order (before dropping the last batch).</summary>
    public int[] EpochOrder(int epoch) => LoaderSeeds.EpochOrder(SampleCount, Options.Seed, epoch, Options.Shuffle);

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch) => GetBatches(epoch, CancellationToken.None);

    /// <summary>The batches of <paramref name="epoch"/>, in a deterministic order; stops when <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="DataLoaderException">A sample could not be loaded, transformed or collated (thrown during enumeration).</exception>
    /// <exception cref="OperationCanceledException">The token fired or the loader was disposed.</exception>
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var order = EpochOrder(epoch);
        int count = BatchCount, size = Options.BatchSize;
        _logger.LogDebug("Epoch {Epoch}: {Batches} batches of up to {Size} from {Samples} samples, {Workers} workers",
            epoch, count, size, SampleCount, Options.Workers);
        return Enumerate();

        IEnumerable<Batch> Enumerate()
        {
            // Linked per enumeration, so an enumerable that is never iterated holds no registration on the loader.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            Batch Build(int b, CancellationToken ct)
            {
                var idx = order.AsSpan(b * size, Math.Min(size, order.Length - b * size)).ToArray();
                return BuildBatch(epoch, b, idx, ct);
            }
            foreach (var batch in BatchPipeline.Run(count, Build, Options.Workers, Options.Prefetch, linked.Token))
                yield return batch;
        }
    }

    /// <summary>Builds the batch of the given dataset <paramref name="indices"/>, exactly as <see cref="GetBatches(int)"/> would in <paramref name="epoch"/>.</summary>
    public Batch BuildBatch(int epoch, int batchIndex, IReadOnlyList<int> indices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.Count == 0) throw new ArgumentException("A batch needs at least one sample.", nameof(indices));
        using var scope = NewDisposeScope();
        var clips = new Tensor[indices.Count];
        var labels = new long[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int index = indices[i];
            try
            {
                var random = new Random(LoaderSeeds.SampleSeed(Options.Seed, epoch, index));
                (clips[i], labels[i]) = SampleCollator.Load(Dataset, index, Options.RandomSampling ? random : null, _transform, random);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw DataLoaderException.Wrap(e, index, epoch, batchIndex);
            }
        }
        var inputs = SampleCollator.Stack(clips, indices, epoch, batchIndex);
        var y = tensor(labels);
        return new Batch(inputs.DetachFromDisposeScope(), y.DetachFromDisposeScope(), indices.ToArray());
    }

    /// <summary>Stops running enumerations (they throw <see cref="OperationCanceledException"/>) and refuses new ones.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
