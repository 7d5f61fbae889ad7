using VideoTransformers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>Wraps a model and turns its logits into NaN from the n-th forward pass in training mode on.</summary>
internal sealed class PoisonedClassifier : VideoClassifier
{
    private readonly VideoClassifier inner;
    private readonly int _poisonFrom;
    private int _trainingCalls;

    public PoisonedClassifier(VideoClassifier model, int poisonFromTrainingCall) : base(nameof(PoisonedClassifier))
    {
        inner = model;
        _poisonFrom = poisonFromTrainingCall;
        RegisterComponents();
    }

    public override long[] SampleShape => inner.SampleShape;
    public override long NumClasses => inner.NumClasses;
    public override long FlopsPerClip => inner.FlopsPerClip;

    public override Tensor forward(Tensor input)
    {
        var logits = inner.forward(input);
        return training && ++_trainingCalls >= _poisonFrom ? logits.mul(double.NaN) : logits;
    }
}
