namespace VideoTransformers.Data;
internal static class Placeholder { }
