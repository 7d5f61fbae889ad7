namespace VideoTransformers.Training.Runs;

/// <summary>What a progress report is about.</summary>
public enum TrainingPhase
{
    /// <summary>Optimizer steps over the training set.</summary>
    Train,
    /// <summary>Evaluation of the validation set after an epoch.</summary>
    Validate,
    /// <summary>Evaluation of the test set at the end.</summary>
    Test,
}
