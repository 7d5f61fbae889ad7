using VideoTransformers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>A parameterless "model" whose logits are its input [B, 1, 1, 1, classes], to test evaluation arithmetic exactly.</summary>
internal sealed class LogitsPassThrough(long classes) : VideoClassifier(nameof(LogitsPassThrough))
{
    public override long[] SampleShape => [1, 1, 1, classes];
    public override long NumClasses => classes;
    public override long FlopsPerClip => 0;

    public override Tensor forward(Tensor input) => input.reshape(input.size(0), classes);
}
