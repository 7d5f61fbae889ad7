using System.Runtime.InteropServices;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

/// <summary>
/// The entry point of the binding, named like PyTorch's <c>torch</c> module: tensor creation, global settings,
/// gradient modes, dispose scopes and the functions that take several tensors.
/// </summary>
public static partial class torch
{
    /// <summary>float32.</summary>
    public const ScalarType float32 = ScalarType.Float32;
    /// <summary>float64.</summary>
    public const ScalarType float64 = ScalarType.Float64;
    /// <summary>int64.</summary>
    public const ScalarType int64 = ScalarType.Int64;
    /// <summary>int32.</summary>
    public const ScalarType int32 = ScalarType.Int32;
    /// <summary>uint8.</summary>
    public const ScalarType uint8 = ScalarType.Byte;
    /// <summary>bool.</summary>
    public const ScalarType @bool = ScalarType.Bool;

    /// <summary>The CPU device.</summary>
    public static readonly Device CPU = Device.CPU;
    /// <summary>The current CUDA device.</summary>
    public static readonly Device CUDA = Device.CUDA;

    /// <summary>The default floating-point dtype of creation functions.</summary>
    public static ScalarType DefaultDType { get; set; } = ScalarType.Float32;

    // ---------------- runtime ----------------

    /// <summary>The libtorch version the shim was built against.</summary>
    public static string version => Marshal.PtrToStringUTF8(NativeMethods.vt_torch_version()) ?? "?";

    /// <summary>Seeds libtorch's default generators (CPU and CUDA).</summary>
    public static void manual_seed(long seed) => Check.Status(NativeMethods.vt_manual_seed(unchecked((ulong)seed)));

    /// <summary>Sets the number of intra-op threads.</summary>
    public static void set_num_threads(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "need at least one thread");
        Check.Status(NativeMethods.vt_set_num_threads(n));
    }

    /// <summary>The number of intra-op threads.</summary>
    public static int get_num_threads() => NativeMethods.vt_get_num_threads();

    /// <summary>
    /// Sets OpenBLAS's own thread count (it runs the float32 GEMMs, apart from libtorch's intra-op pool). Returns false
    /// when the BLAS in use is not OpenBLAS. On small machines, 1 intra-op thread and BLAS threads = cores avoids
    /// oversubscription and is fastest for transformer training (docs/performance.md).
    /// </summary>
    public static bool set_blas_threads(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "need at least one thread");
        return NativeMethods.vt_set_blas_threads(n) == 1;
    }

    /// <summary>OpenBLAS's thread count, or -1 when the BLAS in use is not OpenBLAS.</summary>
    public static int get_blas_threads() => NativeMethods.vt_get_blas_threads();

    /// <summary>Sets the number of inter-op threads (only before any parallel work has started).</summary>
    public static void set_num_interop_threads(int n) => Check.Status(NativeMethods.vt_set_num_interop_threads(n));

    /// <summary>Number of native tensor handles alive in this process; tests use it to prove there are no leaks.</summary>
    public static long live_tensor_count() => NativeMethods.vt_live_tensors();

    /// <summary>CUDA queries.</summary>
    public static class cuda
    {
        /// <summary>True when the libtorch in use has CUDA and a GPU is visible.</summary>
        public static bool is_available() => NativeMethods.vt_cuda_is_available() == 1;
        /// <summary>Number of visible GPUs.</summary>
        public static int device_count() => NativeMethods.vt_cuda_device_count();
        /// <summary>Waits for all GPU work to finish.</summary>
        public static void synchronize() => Check.Status(NativeMethods.vt_cuda_synchronize());
    }

    // ---------------- scopes and modes ----------------

    /// <summary>Opens a dispose scope: every tensor created on this thread until it is disposed is freed with it.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>True when autograd records operations on this thread.</summary>
    public static bool is_grad_enabled() => NativeMethods.vt_is_grad_enabled() == 1;

    /// <summary>Disables gradient recording until the returned scope is disposed.</summary>
    public static IDisposable no_grad() => new GradModeScope(false);

    /// <summary>Enables gradient recording until the returned scope is disposed.</summary>
    public static IDisposable enable_grad() => new GradModeScope(true);

    /// <summary>
    /// Inference mode: no autograd recording and no version-counter bookkeeping (faster than <see cref="no_grad"/>).
    /// Tensors made inside it cannot be used in autograd later. Dispose on the same thread.
    /// </summary>
    public static IDisposable inference_mode() => new InferenceModeScope();

    private sealed class GradModeScope : IDisposable
    {
        private readonly int _previous;
        private bool _done;
        public GradModeScope(bool enabled) => _previous = NativeMethods.vt_set_grad_enabled(enabled ? 1 : 0);
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            NativeMethods.vt_set_grad_enabled(_previous);
        }
    }

    private sealed class InferenceModeScope : IDisposable
    {
        private IntPtr _guard = Check.Handle(NativeMethods.vt_inference_mode_enter());
        public void Dispose()
        {
            if (_guard == IntPtr.Zero) return;
            NativeMethods.vt_inference_mode_exit(_guard);
            _guard = IntPtr.Zero;
        }
    }

    // ---------------- creation ----------------

    private static (int type, int index) Dev(Device? d) => d is null ? (0, -1) : ((int)d.Type, d.Index);

    /// <summary>An uninitialised tensor.</summary>
    public static unsafe Tensor empty(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (t, i) = Dev(device);
        fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_empty(p, size.Length, (int)(dtype ?? DefaultDType), t, i, requires_grad ? 1 : 0));
    }

    /// <summary>An uninitialised tensor.</summary>
    public static Tensor empty(params long[] size) => empty(size, null);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static unsafe Tensor full(long[] size, double value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (t, i) = Dev(device);
        var dt = dtype ?? DefaultDType;
        var isInt = !dt.IsFloatingPoint();
        fixed (long* p = size)
            return Tensor.Wrap(NativeMethods.vt_full(p, size.Length, value, (long)value, isInt ? 1 : 0, (int)dt, t, i, requires_grad ? 1 : 0));
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor zeros(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        full(size, 0, dtype, device, requires_grad);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor zeros(params long[] size) => zeros(size, null);

    /// <summary>A tensor of ones.</summary>
    public static Tensor ones(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        full(size, 1, dtype, device, requires_grad);

    /// <summary>A tensor of ones.</summary>
    public static Tensor ones(params long[] size) => ones(size, null);

    /// <summary>Zeros shaped, typed and placed like <paramref name="other"/>.</summary>
    public static Tensor zeros_like(Tensor other) => zeros(other.shape, other.dtype, other.device);

    /// <summary>Ones shaped, typed and placed like <paramref name="other"/>.</summary>
    public static Tensor ones_like(Tensor other) => ones(other.shape, other.dtype, other.device);

    /// <summary>Values start, start+step, … below end (int64 unless a dtype is given or a bound is fractional).</summary>
    public static Tensor arange(double start, double end, double step = 1, ScalarType? dtype = null, Device? device = null)
    {
        var (t, i) = Dev(device);
        var integral = start == Math.Floor(start) && end == Math.Floor(end) && step == Math.Floor(step);
        var dt = dtype ?? (integral ? ScalarType.Int64 : DefaultDType);
        return Tensor.Wrap(NativeMethods.vt_arange(start, end, step, (int)dt, t, i));
    }

    /// <summary>0, 1, …, end-1 as int64.</summary>
    public static Tensor arange(long end) => arange(0, end);

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        var (t, i) = Dev(device);
        return Tensor.Wrap(NativeMethods.vt_linspace(start, end, steps, (int)(dtype ?? DefaultDType), t, i));
    }

    /// <summary>Samples from U[0, 1).</summary>
    public static unsafe Tensor rand(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (t, i) = Dev(device);
        fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_rand(p, size.Length, (int)(dtype ?? DefaultDType), t, i, requires_grad ? 1 : 0));
    }

    /// <summary>Samples from U[0, 1).</summary>
    public static Tensor rand(params long[] size) => rand(size, null);

    /// <summary>Samples from N(0, 1).</summary>
    public static unsafe Tensor randn(long[] size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (t, i) = Dev(device);
        fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_randn(p, size.Length, (int)(dtype ?? DefaultDType), t, i, requires_grad ? 1 : 0));
    }

    /// <summary>Samples from N(0, 1).</summary>
    public static Tensor randn(params long[] size) => randn(size, null);

    /// <summary>Integers uniformly from [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, long[] size, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        var (t, i) = Dev(device);
        fixed (long* p = size) return Tensor.Wrap(NativeMethods.vt_randint(low, high, p, size.Length, (int)dtype, t, i));
    }

    /// <summary>Integers uniformly from [0, high).</summary>
    public static Tensor randint(long high, long[] size) => randint(0, high, size);

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor randperm(long n, Device? device = null)
    {
        var (t, i) = Dev(device);
        return Tensor.Wrap(NativeMethods.vt_randperm(n, (int)ScalarType.Int64, t, i));
    }

    /// <summary>The n×n identity.</summary>
    public static Tensor eye(long n, ScalarType? dtype = null)
        => Tensor.Wrap(NativeMethods.vt_eye(n, (int)(dtype ?? DefaultDType), 0, -1));

    /// <summary>A 0-d tensor holding one value.</summary>
    public static Tensor scalar_tensor(double value, ScalarType? dtype = null) => full(Array.Empty<long>(), value, dtype);

    /// <summary>Copies a span into a new tensor of the given shape (C order).</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, long[] shape, bool requires_grad = false) where T : unmanaged
    {
        var numel = shape.Aggregate(1L, (a, b) => a * b);
        if (numel != data.Length)
            throw new ArgumentException($"shape {Tensor.ShapeString(shape)} holds {numel} elements but the data has {data.Length}.", nameof(shape));
        Tensor result;
        fixed (T* d = data)
        fixed (long* s = shape)
            result = Tensor.Wrap(NativeMethods.vt_tensor_from_data(d, s, shape.Length, (int)ScalarTypeExtensions.Of<T>()));
        if (requires_grad) result.requires_grad = true;
        return result;
    }

    /// <summary>Copies an array into a new tensor of the given shape (C order).</summary>
    public static Tensor tensor<T>(T[] data, long[] shape, bool requires_grad = false) where T : unmanaged =>
        tensor((ReadOnlySpan<T>)data, shape, requires_grad);

    /// <summary>Copies a 1-D array into a new tensor.</summary>
    public static Tensor tensor<T>(T[] data) where T : unmanaged => tensor((ReadOnlySpan<T>)data, new long[] { data.Length });

    /// <summary>
    /// Wraps a .NET array without copying: the tensor and the array share memory, and the array stays pinned
    /// until libtorch frees the tensor's storage (every view of it included).
    /// </summary>
    public static unsafe Tensor from_array<T>(T[] data, long[] shape) where T : unmanaged
    {
        var numel = shape.Aggregate(1L, (a, b) => a * b);
        if (numel != data.Length)
            throw new ArgumentException($"shape {Tensor.ShapeString(shape)} holds {numel} elements but the array has {data.Length}.", nameof(shape));
        var pin = GCHandle.Alloc(data, GCHandleType.Pinned);
        try
        {
            fixed (long* s = shape)
            {
                var h = NativeMethods.vt_tensor_from_blob((void*)pin.AddrOfPinnedObject(), s, shape.Length, (int)ScalarTypeExtensions.Of<T>(),
                    &ReleasePin, GCHandle.ToIntPtr(pin));
                return Tensor.Wrap(h);
            }
        }
        catch
        {
            if (pin.IsAllocated) pin.Free();
            throw;
        }
    }

    [UnmanagedCallersOnly]
    private static void ReleasePin(IntPtr ctx) => GCHandle.FromIntPtr(ctx).Free();

    // ---------------- functions of several tensors ----------------

    private static unsafe Tensor ListOp(IList<Tensor> tensors, long dim, bool stack)
    {
        if (tensors.Count == 0) throw new ArgumentException((stack ? "stack" : "cat") + " needs at least one tensor");
        var hs = tensors.Select(t => t.Handle).ToArray();
        fixed (IntPtr* p = hs)
            return Tensor.Wrap(stack ? NativeMethods.vt_stack(p, hs.Length, dim) : NativeMethods.vt_cat(p, hs.Length, dim));
    }

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor cat(IList<Tensor> tensors, long dim = 0) => ListOp(tensors, dim, false);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor stack(IList<Tensor> tensors, long dim = 0) => ListOp(tensors, dim, true);

    /// <summary>Elementwise choice: x where condition, else y.</summary>
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => Tensor.Wrap(NativeMethods.vt_where(condition.Handle, x.Handle, y.Handle));

    /// <summary>Einstein summation.</summary>
    public static unsafe Tensor einsum(string equation, params Tensor[] operands)
    {
        var hs = operands.Select(t => t.Handle).ToArray();
        fixed (IntPtr* p = hs) return Tensor.Wrap(NativeMethods.vt_einsum(equation, p, hs.Length));
    }

    /// <summary>Matrix product (see <see cref="Tensor.matmul"/>).</summary>
    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);

    /// <summary>Batched matrix product.</summary>
    public static Tensor bmm(Tensor a, Tensor b) => a.bmm(b);

    /// <summary>Clamps to [min, max].</summary>
    public static Tensor clamp(Tensor x, double? min = null, double? max = null) => x.clamp(min, max);

    /// <summary>Elementwise maximum.</summary>
    public static Tensor maximum(Tensor a, Tensor b) => a.maximum(b);

    /// <summary>True when all elements of a and b are close.</summary>
    public static bool allclose(Tensor a, Tensor b, double rtol = 1e-5, double atol = 1e-8) => a.allclose(b, rtol, atol);

    /// <summary>Gradients of outputs with respect to inputs (torch.autograd.grad).</summary>
    public static unsafe Tensor?[] grad(IList<Tensor> outputs, IList<Tensor> inputs, IList<Tensor?>? grad_outputs = null,
        bool retain_graph = false, bool create_graph = false)
    {
        var o = outputs.Select(t => t.Handle).ToArray();
        var i = inputs.Select(t => t.Handle).ToArray();
        var g = (grad_outputs ?? outputs.Select(_ => (Tensor?)null).ToList()).Select(t => t?.Handle ?? IntPtr.Zero).ToArray();
        var r = new IntPtr[i.Length];
        fixed (IntPtr* po = o)
        fixed (IntPtr* pi = i)
        fixed (IntPtr* pg = g)
        fixed (IntPtr* pr = r)
            Check.Status(NativeMethods.vt_autograd_grad(po, o.Length, pg, pi, i.Length, retain_graph ? 1 : 0, create_graph ? 1 : 0, pr));
        return r.Select(h => h == IntPtr.Zero ? null : Tensor.Wrap(h)).ToArray();
    }
}
