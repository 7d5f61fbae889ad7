using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A classification head: optional dropout then <c>fc</c> (Linear D → classes), or, with a hidden size, the UCF101 TimeSformer study's
/// MLP head <c>norm</c> → <c>fc1</c> → GELU → dropout → <c>fc</c>.
/// </summary>
public sealed class ClassificationHead : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm? norm;
    private readonly Linear? fc1;
    private readonly Linear fc;

    /// <summary>Creates a linear head (hidden = null) or an MLP head.</summary>
    public ClassificationHead(long dim, long classes, long? hidden = null, double dropout = 0, double eps = 1e-5) : base(nameof(ClassificationHead))
    {
        if (classes <= 0) throw ThrowHelper.Config($"The number of classes must be positive, got {classes}.");
        Dim = dim;
        Classes = classes;
        Dropout = dropout;
        if (hidden is long h)
        {
            norm = nn.LayerNorm(dim, eps);
            fc1 = nn.Linear(dim, h);
            fc = nn.Linear(h, classes);
        }
        else fc = nn.Linear(dim, classes);
        RegisterComponents();
    }

    /// <summary>Input dimension.</summary>
    public long Dim { get; }
    /// <summary>Number of classes.</summary>
    public long Classes { get; }
    /// <summary>Dropout before the last layer.</summary>
    public double Dropout { get; }

    /// <summary>[B, D] → logits [B, classes].</summary>
    public override Tensor forward(Tensor x)
    {
        var s = ThrowHelper.CheckRank(this, x, 2, nameof(ClassificationHead), $"[B, {Dim}]");
        ThrowHelper.CheckDim(s, 1, Dim, nameof(ClassificationHead), $"[B, {Dim}]");
        using var scope = NewDisposeScope();
        var h = x;
        if (fc1 is not null) h = nn.functional.gelu(fc1.forward(norm!.forward(h)));
        if (training && Dropout > 0) h = FastDropout.dropout(h, Dropout);
        return scope.MoveToOuter(fc.forward(h));
    }
}
