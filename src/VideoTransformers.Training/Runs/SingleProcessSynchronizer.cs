namespace VideoTransformers.Training.Runs;

/// <summary>The <see cref="IStepSynchronizer"/> of a single process: there is nothing to agree with.</summary>
internal sealed class SingleProcessSynchronizer : IStepSynchronizer
{
    /// <summary>The one instance; it holds no state.</summary>
    public static SingleProcessSynchronizer Instance { get; } = new();

    private SingleProcessSynchronizer()
    {
    }

    /// <inheritdoc />
    public bool IsMain => true;

    /// <inheritdoc />
    public long Seed(long stepSeed) => stepSeed;

    /// <inheritdoc />
    public void BroadcastWeights()
    {
    }

    /// <inheritdoc />
    public StepOutcome Combine(StepOutcome local) => local;

    /// <inheritdoc />
    public void ReduceGradients(int localSize, int globalSize)
    {
    }

    /// <inheritdoc />
    // A single process checks the token itself, after the step, so a cancel during a step stops right after it.
    public bool StopAfterStep(StepOutcome outcome, CancellationToken cancellationToken) => cancellationToken.IsCancellationRequested;

    /// <inheritdoc />
    public (bool StopEarly, bool Cancel) AgreeToStop(bool stopEarly, bool cancel) => (stopEarly, cancel);
}
