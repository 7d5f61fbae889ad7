namespace VideoTransformers.Data.Datasets;

/// <summary>How UCF101 videos are cut into clips (torchvision's UCF101 arguments).</summary>
/// <param name="FramesPerClip">Frames per clip.</param>
/// <param name="StepBetweenClips">Distance between consecutive clip starts, in resampled frames.</param>
/// <param name="FrameRate">Resample every video to this rate; null keeps the native rate.</param>
/// <param name="Width">Output width; 0 keeps the native width.</param>
/// <param name="Height">Output height; 0 keeps the native height.</param>
/// <param name="FrameStride">
/// Keep every n-th (resampled) frame inside a clip, so a clip spans <c>(FramesPerClip - 1) · FrameStride + 1</c> frames:
/// the KTH FrameViT study's <c>frames[0:max_frames:slicing_step]</c> with <c>FramesPerClip = ceil(max_frames / slicing_step)</c>.
/// </param>
public sealed record Ucf101ClipOptions(int FramesPerClip = 16, int StepBetweenClips = 1, double? FrameRate = null, int Width = 0, int Height = 0,
    int FrameStride = 1);
