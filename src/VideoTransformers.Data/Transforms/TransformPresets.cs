namespace VideoTransformers.Data.Transforms;

/// <summary>Ready-made transform chains used by the experiments.</summary>
public static class TransformPresets
{
    /// <summary>The KTH FrameViT study's spatial training augmentation: horizontal flip (p = 0.5), then rotation within ±25°.</summary>
    public static Compose Seed000Spatial() => new(new RandomHorizontalFlip(0.5), new RandomRotation(25));

    /// <summary>Training augmentation for 3-D volumes: flips along each axis (p = 0.5 each), then a random 90° turn in a random plane.</summary>
    public static Compose VolumeAugmentation() => new(new RandomVolumeFlip(0.5), new RandomRotate90());
}
