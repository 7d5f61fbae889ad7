using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Torch.Tests;

/// <summary>Parity tests share one PyTorch reference process (started on first use, stopped after the collection).</summary>
[CollectionDefinition(PythonReferenceFixture.Collection)]
public sealed class PythonReferenceCollection : ICollectionFixture<PythonReferenceFixture>;

/// <summary>
/// Tests that read process-wide state (<c>TensorAccounting.LiveTensors</c>, the thread settings) run alone, after the parallel
/// collections, so that tensors made by other tests cannot move the counts under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "Process-wide state";
}
