using System.Runtime.InteropServices;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

/// <summary>
/// A multi-dimensional array backed by a libtorch tensor. Tensors own native memory: dispose them, or create them
/// inside a <see cref="DisposeScope"/> (<see cref="torch.NewDisposeScope"/>) that frees every temporary at once.
/// Method names follow PyTorch/TorchSharp (snake_case); methods ending in '_' work in place.
/// </summary>
public partial class Tensor : IDisposable
{
    private TensorHandle _handle;

    internal Tensor(IntPtr handle)
    {
        _handle = new TensorHandle(Check.Handle(handle));
        Scope = DisposeScope.Current;
        DisposeScope.Register(this);
    }

    /// <summary>The dispose scope that owns this tensor, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    internal IntPtr Handle
    {
        get
        {
            if (_handle.IsClosed) throw new ObjectDisposedException(nameof(Tensor), "The tensor was disposed (possibly by its dispose scope).");
            return _handle.DangerousGetHandle();
        }
    }

    /// <summary>True once the tensor has been disposed.</summary>
    public bool IsInvalid => _handle.IsClosed;

    /// <summary>Swaps the native tensor behind this object (used for <c>param.data = ...</c> and <c>Module.to</c>).</summary>
    internal void ReplaceHandle(Tensor source)
    {
        var old = _handle;
        _handle = source._handle;
        source._handle = new TensorHandle(IntPtr.Zero);
        source._handle.SetHandleAsInvalid();
        source.Dispose();
        old.Dispose();
    }

    /// <summary>Frees the native tensor now.</summary>
    public void Dispose()
    {
        Scope?.Remove(this);
        Scope = null;
        _handle.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Moves this tensor to the scope enclosing its current one and returns it.</summary>
    public Tensor MoveToOuterDisposeScope() => Scope?.MoveToOuter(this) ?? this;

    /// <summary>Removes this tensor from every dispose scope; the caller must dispose it.</summary>
    public Tensor DetachFromDisposeScope() => Scope?.Detach(this) ?? this;

    // ---------------- metadata ----------------

    /// <summary>Number of dimensions.</summary>
    public long dim() => Check.Value(NativeMethods.vt_dim(Handle));

    /// <summary>Number of dimensions.</summary>
    public long ndim => dim();

    /// <summary>The sizes of all dimensions.</summary>
    public unsafe long[] shape
    {
        get
        {
            var n = (int)dim();
            var s = new long[n];
            fixed (long* p = s) Check.Status(NativeMethods.vt_shape(Handle, p));
            return s;
        }
    }

    /// <summary>The strides of all dimensions, in elements.</summary>
    public unsafe long[] stride()
    {
        var n = (int)dim();
        var s = new long[n];
        fixed (long* p = s) Check.Status(NativeMethods.vt_strides(Handle, p));
        return s;
    }

    /// <summary>The size of one dimension (negative indices count from the end).</summary>
    public long size(int dimension)
    {
        var s = shape;
        var d = dimension < 0 ? dimension + s.Length : dimension;
        if (d < 0 || d >= s.Length) throw new ArgumentOutOfRangeException(nameof(dimension), $"dimension {dimension} out of range for a {s.Length}-d tensor");
        return s[d];
    }

    /// <summary>Total number of elements.</summary>
    public long numel() => Check.Value(NativeMethods.vt_numel(Handle));

    /// <summary>The element type.</summary>
    public ScalarType dtype => (ScalarType)Check.Value(NativeMethods.vt_dtype(Handle));

    /// <summary>The device holding the data.</summary>
    public Device device
    {
        get
        {
            var t = Check.Value(NativeMethods.vt_device_type(Handle));
            return t == 1 ? new Device(DeviceType.CUDA, NativeMethods.vt_device_index(Handle)) : Device.CPU;
        }
    }

    /// <summary>Whether the elements are laid out contiguously in C order.</summary>
    public bool is_contiguous() => Check.Value(NativeMethods.vt_is_contiguous(Handle)) == 1;

    /// <summary>
    /// The address of the first element (PyTorch's <c>data_ptr()</c>), for native code that works on the memory in
    /// place, such as MPI collectives. Valid while the tensor is alive and not resized; for a contiguous tensor the
    /// <see cref="numel"/> elements follow it.
    /// </summary>
    public IntPtr data_ptr() => NativeMethods.vt_data_ptr(Handle);

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool requires_grad
    {
        get => Check.Value(NativeMethods.vt_requires_grad(Handle)) == 1;
        set => Check.Status(NativeMethods.vt_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="requires_grad"/> and returns this tensor.</summary>
    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by an op that autograd recorded.</summary>
    public bool is_leaf => Check.Value(NativeMethods.vt_is_leaf(Handle)) == 1;

    // ---------------- autograd ----------------

    /// <summary>The accumulated gradient, or null. Each read returns a new handle to the same storage.</summary>
    public unsafe Tensor? grad
    {
        get
        {
            IntPtr g;
            Check.Status(NativeMethods.vt_grad(Handle, &g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => Check.Status(NativeMethods.vt_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
    }

    /// <summary>Computes gradients of this tensor with respect to graph leaves.</summary>
    public void backward(Tensor? gradient = null, bool retain_graph = false, bool create_graph = false) =>
        Check.Status(NativeMethods.vt_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retain_graph ? 1 : 0, create_graph ? 1 : 0));

    /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
    public Tensor retain_grad()
    {
        Check.Status(NativeMethods.vt_retain_grad(Handle));
        return this;
    }

    // ---------------- data access ----------------

    /// <summary>The single value of a one-element tensor.</summary>
    public unsafe T item<T>() where T : unmanaged
    {
        double d;
        long l;
        Check.Status(NativeMethods.vt_item(Handle, &d, &l));
        if (typeof(T) == typeof(double)) return (T)(object)d;
        if (typeof(T) == typeof(float)) return (T)(object)(float)d;
        if (typeof(T) == typeof(long)) return (T)(object)l;
        if (typeof(T) == typeof(int)) return (T)(object)(int)l;
        if (typeof(T) == typeof(bool)) return (T)(object)(l != 0);
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)l;
        throw new NotSupportedException($"item<{typeof(T).Name}> is not supported");
    }

    /// <summary>Copies the elements (C order) into a new array; <typeparamref name="T"/> must match <see cref="dtype"/>.</summary>
    public unsafe T[] data<T>() where T : unmanaged
    {
        var want = ScalarTypeExtensions.Of<T>();
        if (want != dtype) throw new InvalidOperationException($"data<{typeof(T).Name}>() needs a {want} tensor but this one is {dtype}; call .to({want}) first.");
        var result = new T[numel()];
        fixed (T* p = result) Check.Status(NativeMethods.vt_copy_to_buffer(Handle, p, (long)result.Length * sizeof(T)));
        return result;
    }

    /// <summary>Copies the elements (C order) into <paramref name="destination"/>, which must be exactly as large.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var want = ScalarTypeExtensions.Of<T>();
        if (want != dtype) throw new InvalidOperationException($"CopyTo<{typeof(T).Name}> needs a {want} tensor but this one is {dtype}.");
        fixed (T* p = destination) Check.Status(NativeMethods.vt_copy_to_buffer(Handle, p, (long)destination.Length * sizeof(T)));
    }

    /// <summary>Overwrites the elements from a C-order buffer of the same element type and count.</summary>
    public unsafe Tensor CopyFrom<T>(ReadOnlySpan<T> source) where T : unmanaged
    {
        var want = ScalarTypeExtensions.Of<T>();
        if (want != dtype) throw new InvalidOperationException($"CopyFrom<{typeof(T).Name}> needs a {want} tensor but this one is {dtype}.");
        fixed (T* p = source) Check.Status(NativeMethods.vt_copy_from_buffer(Handle, p, (long)source.Length * sizeof(T)));
        return this;
    }

    /// <summary>libtorch's full printout of the values.</summary>
    public string ToStringWithValues()
    {
        var p = Check.Handle(NativeMethods.vt_to_string(Handle));
        try { return Marshal.PtrToStringUTF8(p) ?? ""; }
        finally { NativeMethods.vt_free_string(p); }
    }

    /// <summary>Shape, dtype and device, e.g. <c>[2x3], type = Float32, device = cpu</c>.</summary>
    public override string ToString() =>
        IsInvalid ? "Tensor (disposed)" : $"[{string.Join("x", shape)}], type = {dtype}, device = {device}";

    /// <summary>Formats a shape like PyTorch: [2, 3, 4].</summary>
    public static string ShapeString(long[] s) => "[" + string.Join(", ", s) + "]";
}
