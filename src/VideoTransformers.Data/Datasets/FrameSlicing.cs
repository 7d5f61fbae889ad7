namespace VideoTransformers.Data.Datasets;

/// <summary>
/// How many frames a strided window yields: the one computation shared by the samplers (<see cref="KthSamplingOptions"/>,
/// the clip length of <see cref="Ucf101ClipOptions"/> as <c>vt</c> derives it) and the model configuration
/// (<c>ModelOptions.Frames</c> in VideoTransformers.Training), so that the clips a data source cuts and the clips a
/// configured model expects are the same length by construction.
/// </summary>
public static class FrameSlicing
{
    /// <summary>Frames in the KTH FrameViT study's <c>frames[0:window:step]</c>: <c>ceil(window / step)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> or <paramref name="step"/> is below 1.</exception>
    public static long Length(long window, long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        return window / step + (window % step == 0 ? 0 : 1);
    }

    /// <inheritdoc cref="Length(long, long)"/>
    public static int Length(int window, int step) => (int)Length((long)window, step);
}
