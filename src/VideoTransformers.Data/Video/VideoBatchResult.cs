namespace VideoTransformers.Data.Video;

/// <summary>Outcome of <see cref="VideoBatchDecoder.DecodeAll"/>.</summary>
/// <param name="Videos">Decoded files, in input order.</param>
/// <param name="Skipped">Files skipped because they failed (only with <c>skipBadFiles</c>), in input order.</param>
public sealed record VideoBatchResult(IReadOnlyList<DecodedVideo> Videos, IReadOnlyList<SkippedVideo> Skipped);
