namespace VideoTransformers.Training.Runs;

/// <summary>How a training run ended.</summary>
public enum RunStatus
{
    /// <summary>All configured epochs ran.</summary>
    Completed,
    /// <summary>Early stopping ended it: the monitored metric stopped improving for <c>early_stopping_patience</c> epochs.</summary>
    EarlyStopped,
    /// <summary>The cancellation token fired; the <c>last</c> checkpoint holds the state after the last finished step.</summary>
    Cancelled,
}
