namespace VideoTransformers.Training;
internal static class Placeholder { }
