namespace VideoTransformers.Data.Datasets;

/// <summary>Part of a train/validation/test split.</summary>
public enum DatasetSplit
{
    /// <summary>Training data.</summary>
    Train,

    /// <summary>Validation (model selection) data.</summary>
    Validation,

    /// <summary>Held-out test data.</summary>
    Test,
}
