namespace VideoTransformers.Torch;
internal static class Placeholder { }
