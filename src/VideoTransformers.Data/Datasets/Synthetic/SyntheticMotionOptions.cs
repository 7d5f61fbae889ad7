namespace VideoTransformers.Data.Datasets;

/// <summary>Size and randomness of the <see cref="SyntheticMotion"/> dataset.</summary>
/// <param name="SamplesPerClass">Samples of each class.</param>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Size">Frame width and height in pixels.</param>
/// <param name="Noise">Standard deviation of the additive Gaussian pixel noise (0–255 scale).</param>
/// <param name="Seed">Seed of the whole dataset; every sample is derived from it and its index.</param>
/// <param name="ValidationFraction">Share of each class held out for validation.</param>
/// <param name="TestFraction">Share of each class held out for testing.</param>
public sealed record SyntheticMotionOptions(
    int SamplesPerClass = 128,
    int Frames = 16,
    int Size = 32,
    double Noise = 6.0,
    int Seed = 0,
    double ValidationFraction = 0.15,
    double TestFraction = 0.15)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values the generator cannot honour.</summary>
    public SyntheticMotionOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SamplesPerClass, 1, nameof(SamplesPerClass));
        ArgumentOutOfRangeException.ThrowIfLessThan(Frames, 2, nameof(Frames));
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 16, nameof(Size));
        ArgumentOutOfRangeException.ThrowIfNegative(Noise, nameof(Noise));
        if (ValidationFraction < 0 || TestFraction < 0 || ValidationFraction + TestFraction >= 1)
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), "Validation and test fractions must be >= 0 and sum to less than 1.");
        return this;
    }
}
