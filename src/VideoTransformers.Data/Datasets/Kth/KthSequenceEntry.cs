namespace VideoTransformers.Data.Datasets;

/// <summary>One clip's line of <c>00sequences.txt</c>: the subsequences in which the action is performed.</summary>
/// <param name="Clip">Clip name, e.g. <c>person01_boxing_d1</c>.</param>
/// <param name="Person">Person number (1–25).</param>
/// <param name="Action">Action name, e.g. <c>boxing</c>.</param>
/// <param name="Scenario">Scenario number (1–4).</param>
/// <param name="Ranges">Subsequences in file order.</param>
public sealed record KthSequenceEntry(string Clip, int Person, string Action, int Scenario, IReadOnlyList<FrameRange> Ranges)
{
    /// <summary>The largest frame number listed, which for the real clips equals the clip's frame count.</summary>
    public int LastFrame => Ranges.Max(r => r.Last);
}
