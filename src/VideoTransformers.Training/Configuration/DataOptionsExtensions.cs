using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Sources;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// Fills <see cref="DataOptions"/> from a model configuration. It lives here, not beside <see cref="DataOptions"/>,
/// because the Data library does not depend on Training, where <see cref="ModelOptions"/> is defined.
/// </summary>
public static class DataOptionsExtensions
{
    /// <summary>
    /// These options with the clip geometry <paramref name="model"/> asks for: its window (<c>max_frames</c>), stride
    /// (<see cref="ModelOptions.EffectiveSlicingStep"/>) and frame size, so the samplers cut the clips the configured
    /// model expects (both lengths come from <see cref="FrameSlicing.Length(long, long)"/>). What it leaves out stays
    /// the dataset's default.
    /// </summary>
    public static DataOptions WithClipGeometry(this DataOptions options, ModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        return options with
        {
            // The loader caps these keys far inside int; a ModelOptions built in code with larger ones fails here, not later.
            ClipWindow = checked((int?)model.MaxFrames),
            ClipStride = checked((int?)model.EffectiveSlicingStep),
            FrameHeight = checked((int?)model.ImageHeight),
            FrameWidth = checked((int?)model.ImageWidth),
        };
    }
}
