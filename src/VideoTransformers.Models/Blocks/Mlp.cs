using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>The transformer MLP: <c>fc1</c> (D → hidden), GELU, dropout, <c>fc2</c> (hidden → D), dropout.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Creates the MLP; <paramref name="gelu"/> is "none" (exact) or "tanh".</summary>
    public Mlp(long dim, long hidden, double dropout = 0, string gelu = "none") : base(nameof(Mlp))
    {
        Dim = dim;
        Hidden = hidden;
        Dropout = dropout;
        Gelu = gelu is "none" or "tanh" ? gelu : throw ThrowHelper.Config($"gelu must be 'none' or 'tanh', got '{gelu}'.");
        fc1 = nn.Linear(dim, hidden);
        fc2 = nn.Linear(hidden, dim);
        RegisterComponents();
    }

    /// <summary>Token dimension.</summary>
    public long Dim { get; }
    /// <summary>Hidden size.</summary>
    public long Hidden { get; }
    /// <summary>Dropout after the activation and after fc2.</summary>
    public double Dropout { get; }
    /// <summary>GELU form.</summary>
    public string Gelu { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 1 || x.shape[^1] != Dim)
            throw new ArgumentException($"Mlp expected [..., {Dim}], got {Shapes.Format(x.shape)}.");
        ThrowHelper.CheckInput(this, x, nameof(Mlp), $"[..., {Dim}]");
        using var scope = NewDisposeScope();
        var h = Gelu == "tanh" ? nn.functional.gelu(fc1.forward(x), GELU.Approximate.tanh) : nn.functional.gelu(fc1.forward(x));
        if (training && Dropout > 0) h = FastDropout.dropout(h, Dropout);
        var y = fc2.forward(h);
        if (training && Dropout > 0) y = FastDropout.dropout(y, Dropout);
        return scope.MoveToOuter(y);
    }
}
