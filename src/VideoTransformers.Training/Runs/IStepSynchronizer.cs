namespace VideoTransformers.Training.Runs;

/// <summary>
/// The points where a data-parallel run makes its processes agree; <see cref="TrainingStep"/> and the epoch loop call
/// them so that one loop serves a single process (<see cref="SingleProcessSynchronizer"/>, where they do nothing) and a
/// data-parallel run (<see cref="DataParallelSynchronizer"/>).
/// </summary>
internal interface IStepSynchronizer
{
    /// <summary>Whether this process writes the run folder, reports and calls the callbacks.</summary>
    bool IsMain { get; }

    /// <summary>The libtorch seed of this process for a step whose seed is <paramref name="stepSeed"/>.</summary>
    long Seed(long stepSeed);

    /// <summary>Puts the same weights in every process (before training, and after restoring the best ones).</summary>
    void BroadcastWeights();

    /// <summary>The step's outcome over the global batch, from this process's share of it.</summary>
    StepOutcome Combine(StepOutcome local);

    /// <summary>Makes the gradients those of the global batch, after this process's backward of <paramref name="localSize"/> of <paramref name="globalSize"/> clips.</summary>
    void ReduceGradients(int localSize, int globalSize);

    /// <summary>Whether the epoch stops after a step with <paramref name="outcome"/>, given the run's cancellation token.</summary>
    bool StopAfterStep(StepOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Whether the run stops after an epoch, once every process has agreed on early stopping and cancellation.</summary>
    (bool StopEarly, bool Cancel) AgreeToStop(bool stopEarly, bool cancel);
}
