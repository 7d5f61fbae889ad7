using VideoTransformers.Training.Distributed;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// The <see cref="IStepSynchronizer"/> of a data-parallel run: one small all-reduce per step of (loss sum, correct,
/// samples, cancel requests) so every rank knows the global batch and agrees on divergence and cancellation, and the
/// gradients weighted by each rank's share n/N before they are summed.
/// </summary>
internal sealed class DataParallelSynchronizer : IStepSynchronizer
{
    private readonly DistributedDataParallel _ddp;

    /// <summary>Synchronizes through <paramref name="ddp"/>'s process group.</summary>
    public DataParallelSynchronizer(DistributedDataParallel ddp) => _ddp = ddp;

    /// <inheritdoc />
    public bool IsMain => _ddp.Group.IsMain;

    /// <inheritdoc />
    // Rank 0 draws exactly what a single process would; the others decorrelate their dropout masks from it.
    public long Seed(long stepSeed) => TrainingSeeds.RankSeed(stepSeed, _ddp.Group.Rank);

    /// <inheritdoc />
    public void BroadcastWeights() => _ddp.BroadcastState();

    /// <inheritdoc />
    // A non-finite loss on any rank makes the sum non-finite, so every rank stops at it together.
    public StepOutcome Combine(StepOutcome local)
    {
        using var scope = NewDisposeScope();
        var stats = tensor(new[] { local.Loss * local.Size, local.Correct, local.Size, local.CancelRequested ? 1.0 : 0.0 });
        _ddp.Group.all_reduce_(stats);
        var totals = stats.data<double>().ToArray();
        var globalSize = (long)totals[2];
        return new StepOutcome(globalSize < 1 ? double.NaN : totals[0] / globalSize, (long)totals[1], (int)globalSize, totals[3] > 0);
    }

    /// <inheritdoc />
    public void ReduceGradients(int localSize, int globalSize) => _ddp.AllReduceGradients((double)localSize / globalSize);

    /// <inheritdoc />
    // A cancel seen after this step's all-reduce counts at the next step, so all ranks stop at the same one.
    public bool StopAfterStep(StepOutcome outcome, CancellationToken cancellationToken) => outcome.CancelRequested;

    /// <inheritdoc />
    // Rank 0 decides early stopping (it owns the best/monitor bookkeeping that is written); any rank may cancel.
    public (bool StopEarly, bool Cancel) AgreeToStop(bool stopEarly, bool cancel)
    {
        using var scope = NewDisposeScope();
        var flags = tensor(new[] { _ddp.Group.IsMain && stopEarly ? 1.0 : 0.0, cancel ? 1.0 : 0.0 });
        _ddp.Group.all_reduce_(flags);
        var f = flags.data<double>().ToArray();
        return (f[0] > 0, f[1] > 0);
    }
}
