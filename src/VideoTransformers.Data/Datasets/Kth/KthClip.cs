namespace VideoTransformers.Data.Datasets;

/// <summary>A KTH video file found on disk.</summary>
/// <param name="FilePath">Full path of the video.</param>
/// <param name="Name">Clip name, e.g. <c>person01_boxing_d1</c>.</param>
/// <param name="Person">Person number (1–25).</param>
/// <param name="Action">Action name.</param>
/// <param name="Scenario">Scenario number (1–4).</param>
/// <param name="Label">Index of <paramref name="Action"/> in <see cref="KthLayout.ClassNames"/>.</param>
public sealed record KthClip(string FilePath, string Name, int Person, string Action, int Scenario, int Label);
