using FluentAssertions;
using VideoTransformers.Interop;
using VideoTransformers.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>
/// The files that <see cref="TorchSaveFile"/> writes (and the hostile tests damage) are real torch.save files: PyTorch
/// loads them, with its own restricted unpickler, to the same tensors as <see cref="PyTorchStateDict"/>.
/// </summary>
[Collection(PythonReferenceFixture.Collection)]
public class PyTorchStateDictParityTests(PythonReferenceFixture python)
{
    [SkippableFact]
    public void A_file_written_here_loads_to_the_same_tensors_in_PyTorch()
    {
        PythonReference.RequirePython();
        var path = Path.Combine(Path.GetTempPath(), $"vt-ptsd-{Guid.NewGuid():N}.bin");
        try
        {
            PyTorchStateDictTests.Sample().Write(path);
            using var scope = NewDisposeScope();
            var ours = PyTorchStateDict.Load(path);
            var theirs = python.Run("torch_load", new Dictionary<string, Tensor>(), new { path });
            theirs.Keys.Should().BeEquivalentTo(ours.Keys);
            foreach (var (name, t) in ours)
            {
                t.dtype.Should().Be(theirs[name].dtype, name);
                TensorAssert.Equal(t, theirs[name], name);
            }
        }
        finally { File.Delete(path); }
    }
}
