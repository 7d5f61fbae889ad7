using VideoTransformers.Training.Optimization;
using TorchSharp;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// Holds a weight average's weights in a model for as long as it is not disposed (validation, checkpoints, the test,
/// the model a finished run hands back); disposing puts the raw training weights back. The raw weights sit in the
/// average's tensors meanwhile, so nothing is copied.
/// </summary>
internal sealed class EmaScope : IDisposable
{
    private ExponentialMovingAverage? _ema;
    private readonly torch.nn.Module _model;

    private EmaScope(ExponentialMovingAverage? ema, torch.nn.Module model)
    {
        _ema = ema;
        _model = model;
        _ema?.Swap(_model);
    }

    /// <summary>Swaps <paramref name="ema"/>'s weights into <paramref name="model"/>; without an average the scope does nothing.</summary>
    public static EmaScope AverageIn(ExponentialMovingAverage? ema, torch.nn.Module model) => new(ema, model);

    /// <summary>Swaps the raw weights back (once; later calls do nothing).</summary>
    public void Dispose()
    {
        _ema?.Swap(_model);
        _ema = null;
    }
}
