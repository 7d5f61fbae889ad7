using Xunit;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>
/// Tests that read process-wide libtorch state (the global generator's stream, the live tensor count) run alone,
/// after the parallel ones: another test drawing random numbers or creating tensors meanwhile would change them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchState
{
    public const string Name = "global libtorch state";
}
