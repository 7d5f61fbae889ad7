namespace VideoTransformers.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope, and disposes them all when it is
/// disposed (like TorchSharp's <c>NewDisposeScope</c>). Results that must outlive it are moved out with
/// <see cref="MoveToOuter(Tensor)"/> or <see cref="Tensor.MoveToOuterDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? _current;

    private readonly HashSet<Tensor> _tensors = new(ReferenceEqualityComparer.Instance);
    private readonly DisposeScope? _outer;
    private bool _disposed;

    internal DisposeScope()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>The innermost scope on this thread, or null.</summary>
    public static DisposeScope? Current => _current;

    /// <summary>The number of tensors this scope will dispose.</summary>
    public int Count => _tensors.Count;

    internal static void Register(Tensor t) => _current?._tensors.Add(t);

    internal void Remove(Tensor t) => _tensors.Remove(t);

    /// <summary>Moves a tensor to the enclosing scope (or out of scopes entirely) and returns it.</summary>
    public Tensor MoveToOuter(Tensor t)
    {
        if (_tensors.Remove(t))
        {
            t.Scope = _outer;
            _outer?._tensors.Add(t);
        }
        return t;
    }

    /// <summary>Moves several tensors to the enclosing scope.</summary>
    public void MoveToOuter(params Tensor[] ts)
    {
        foreach (var t in ts) MoveToOuter(t);
    }

    /// <summary>Detaches a tensor from all scopes; the caller now owns it.</summary>
    public Tensor Detach(Tensor t)
    {
        if (_tensors.Remove(t)) t.Scope = null;
        return t;
    }

    /// <summary>Disposes every tensor still owned by the scope and pops it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var t in _tensors)
        {
            t.Scope = null;
            t.Dispose();
        }
        _tensors.Clear();
        // Scopes are strictly nested per thread; restore the outer one even if an inner one leaked.
        if (ReferenceEquals(_current, this)) _current = _outer;
    }
}
