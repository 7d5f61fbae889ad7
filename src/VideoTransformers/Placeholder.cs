namespace VideoTransformers;
internal static class Placeholder { }
