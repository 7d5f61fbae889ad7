namespace VideoTransformers.Training.Plots;

/// <summary>Colour maps for heat maps and attention overlays.</summary>
public enum Colormap
{
    /// <summary>matplotlib's perceptually uniform viridis (dark purple → yellow); readable in grayscale and by colour-blind viewers.</summary>
    Viridis,

    /// <summary>matplotlib's inferno (black → pale yellow); perceptually uniform, strong on dark backgrounds.</summary>
    Inferno,

    /// <summary>The classic jet (dark blue → red) of most attention-map figures; vivid but not perceptually uniform.</summary>
    Jet,

    /// <summary>Black → white.</summary>
    Gray,
}
