using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

public partial class Tensor
{
    internal static Tensor Wrap(IntPtr h) => new(Check.Handle(h));

    private Tensor Unary(UnaryOp op) => Wrap(NativeMethods.vt_unary(Handle, (int)op));
    private Tensor UnaryInPlace(UnaryOp op)
    {
        Check.Status(NativeMethods.vt_unary_(Handle, (int)op));
        return this;
    }
    private Tensor Binary(Tensor other, BinaryOp op) => Wrap(NativeMethods.vt_binary(Handle, other.Handle, (int)op));
    private Tensor BinaryInPlace(Tensor other, BinaryOp op)
    {
        Check.Status(NativeMethods.vt_binary_(Handle, other.Handle, (int)op));
        return this;
    }
    // Scalars travel by value: no hidden native temporaries. Integers stay integers (PyTorch type promotion).
    private Tensor Scalar(double v, BinaryOp op) => Wrap(NativeMethods.vt_binary_scalar(Handle, v, 0, 0, (int)op));
    private Tensor Scalar(long v, BinaryOp op) => Wrap(NativeMethods.vt_binary_scalar(Handle, 0, v, 1, (int)op));
    private Tensor ScalarInPlace(double v, BinaryOp op)
    {
        Check.Status(NativeMethods.vt_binary_scalar_(Handle, v, 0, 0, (int)op));
        return this;
    }
    private Tensor ScalarInPlace(long v, BinaryOp op)
    {
        Check.Status(NativeMethods.vt_binary_scalar_(Handle, 0, v, 1, (int)op));
        return this;
    }

    // ---------------- elementwise ----------------

    /// <summary>Elementwise sum.</summary>
    public Tensor add(Tensor other) => Binary(other, BinaryOp.Add);
    /// <summary>this + alpha * other.</summary>
    public Tensor add(Tensor other, double alpha) => Wrap(NativeMethods.vt_add_alpha(Handle, other.Handle, alpha));
    /// <summary>Adds a scalar.</summary>
    public Tensor add(double s) => Scalar(s, BinaryOp.Add);
    /// <summary>Adds an integer scalar.</summary>
    public Tensor add(long s) => Scalar(s, BinaryOp.Add);
    /// <summary>Elementwise difference.</summary>
    public Tensor sub(Tensor other) => Binary(other, BinaryOp.Sub);
    /// <summary>Subtracts a scalar.</summary>
    public Tensor sub(double s) => Scalar(s, BinaryOp.Sub);
    /// <summary>Elementwise product.</summary>
    public Tensor mul(Tensor other) => Binary(other, BinaryOp.Mul);
    /// <summary>Multiplies by a scalar.</summary>
    public Tensor mul(double s) => Scalar(s, BinaryOp.Mul);
    /// <summary>Multiplies by an integer scalar.</summary>
    public Tensor mul(long s) => Scalar(s, BinaryOp.Mul);
    /// <summary>Elementwise quotient.</summary>
    public Tensor div(Tensor other) => Binary(other, BinaryOp.Div);
    /// <summary>Divides by a scalar.</summary>
    public Tensor div(double s) => Scalar(s, BinaryOp.Div);
    /// <summary>Elementwise power.</summary>
    public Tensor pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);
    /// <summary>Raises to a scalar power.</summary>
    public Tensor pow(double exponent) => Scalar(exponent, BinaryOp.Pow);
    /// <summary>Elementwise remainder (Python semantics).</summary>
    public Tensor remainder(long s) => Scalar(s, BinaryOp.Remainder);
    /// <summary>Elementwise maximum of two tensors.</summary>
    public Tensor maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
    /// <summary>Elementwise minimum of two tensors.</summary>
    public Tensor minimum(Tensor other) => Binary(other, BinaryOp.Minimum);

    /// <summary>In-place sum.</summary>
    public Tensor add_(Tensor other) => BinaryInPlace(other, BinaryOp.Add);
    /// <summary>In place: this += alpha * other.</summary>
    public Tensor add_(Tensor other, double alpha)
    {
        Check.Status(NativeMethods.vt_add_alpha_(Handle, other.Handle, alpha));
        return this;
    }
    /// <summary>In-place scalar add.</summary>
    public Tensor add_(double s) => ScalarInPlace(s, BinaryOp.Add);
    /// <summary>In-place integer scalar add (integer tensors stay integer).</summary>
    public Tensor add_(long s) => ScalarInPlace(s, BinaryOp.Add);
    /// <summary>In-place difference.</summary>
    public Tensor sub_(Tensor other) => BinaryInPlace(other, BinaryOp.Sub);
    /// <summary>In-place scalar subtraction.</summary>
    public Tensor sub_(double s) => ScalarInPlace(s, BinaryOp.Sub);
    /// <summary>In-place product.</summary>
    public Tensor mul_(Tensor other) => BinaryInPlace(other, BinaryOp.Mul);
    /// <summary>In-place scalar product.</summary>
    public Tensor mul_(double s) => ScalarInPlace(s, BinaryOp.Mul);
    /// <summary>In-place quotient.</summary>
    public Tensor div_(Tensor other) => BinaryInPlace(other, BinaryOp.Div);
    /// <summary>In-place scalar quotient.</summary>
    public Tensor div_(double s) => ScalarInPlace(s, BinaryOp.Div);
    /// <summary>In-place power.</summary>
    public Tensor pow_(double s) => ScalarInPlace(s, BinaryOp.Pow);
    /// <summary>Fills with a value.</summary>
    public Tensor fill_(double v) => ScalarInPlace(v, BinaryOp.Fill);
    /// <summary>Fills with an integer value.</summary>
    public Tensor fill_(long v) => ScalarInPlace(v, BinaryOp.Fill);
    /// <summary>Fills with zeros.</summary>
    public Tensor zero_() => UnaryInPlace(UnaryOp.Zero);
    /// <summary>Copies the values of <paramref name="src"/> (broadcast) into this tensor.</summary>
    public Tensor copy_(Tensor src) => BinaryInPlace(src, BinaryOp.Copy);
    /// <summary>In place: this += value * a * b.</summary>
    public Tensor addcmul_(Tensor a, Tensor b, double value = 1)
    {
        Check.Status(NativeMethods.vt_addcmul_(Handle, a.Handle, b.Handle, value));
        return this;
    }
    /// <summary>In place: this += value * a / b.</summary>
    public Tensor addcdiv_(Tensor a, Tensor b, double value = 1)
    {
        Check.Status(NativeMethods.vt_addcdiv_(Handle, a.Handle, b.Handle, value));
        return this;
    }
    /// <summary>this + value * a * b.</summary>
    public Tensor addcmul(Tensor a, Tensor b, double value = 1) => Wrap(NativeMethods.vt_addcmul(Handle, a.Handle, b.Handle, value));
    /// <summary>this + value * a / b.</summary>
    public Tensor addcdiv(Tensor a, Tensor b, double value = 1) => Wrap(NativeMethods.vt_addcdiv(Handle, a.Handle, b.Handle, value));
    /// <summary>In place linear interpolation towards <paramref name="end"/>.</summary>
    public Tensor lerp_(Tensor end, double weight)
    {
        Check.Status(NativeMethods.vt_lerp_(Handle, end.Handle, weight));
        return this;
    }
    /// <summary>Fills with samples from U(from, to).</summary>
    public Tensor uniform_(double from = 0, double to = 1)
    {
        Check.Status(NativeMethods.vt_uniform_(Handle, from, to));
        return this;
    }
    /// <summary>Fills with samples from N(mean, std²).</summary>
    public Tensor normal_(double mean = 0, double std = 1)
    {
        Check.Status(NativeMethods.vt_normal_(Handle, mean, std));
        return this;
    }
    /// <summary>Fills with Bernoulli(p) samples.</summary>
    public Tensor bernoulli_(double p = 0.5)
    {
        Check.Status(NativeMethods.vt_bernoulli_(Handle, p));
        return this;
    }
    /// <summary>In-place clamp to [min, max].</summary>
    public Tensor clamp_(double? min = null, double? max = null)
    {
        if (min is double lo) ScalarInPlace(lo, BinaryOp.ClampMin);
        if (max is double hi) ScalarInPlace(hi, BinaryOp.ClampMax);
        return this;
    }
    /// <summary>In-place square root.</summary>
    public Tensor sqrt_() => UnaryInPlace(UnaryOp.Sqrt);
    /// <summary>In-place inverse error function.</summary>
    public Tensor erfinv_() => UnaryInPlace(UnaryOp.Erfinv);
    /// <summary>In-place ReLU.</summary>
    public Tensor relu_() => UnaryInPlace(UnaryOp.Relu);
    /// <summary>In-place negation.</summary>
    public Tensor neg_() => UnaryInPlace(UnaryOp.Neg);
    /// <summary>Detaches this tensor from the graph in place.</summary>
    public Tensor detach_() => UnaryInPlace(UnaryOp.DetachInPlace);

    /// <summary>Negation.</summary>
    public Tensor neg() => Unary(UnaryOp.Neg);
    /// <summary>Exponential.</summary>
    public Tensor exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor log() => Unary(UnaryOp.Log);
    /// <summary>Square root.</summary>
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1 / sqrt(x).</summary>
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>Absolute value.</summary>
    public Tensor abs() => Unary(UnaryOp.Abs);
    /// <summary>Square.</summary>
    public Tensor square() => Unary(UnaryOp.Square);
    /// <summary>1 / x.</summary>
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    /// <summary>Sine.</summary>
    public Tensor sin() => Unary(UnaryOp.Sin);
    /// <summary>Cosine.</summary>
    public Tensor cos() => Unary(UnaryOp.Cos);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>Rectified linear unit.</summary>
    public Tensor relu() => Unary(UnaryOp.Relu);
    /// <summary>Floor.</summary>
    public Tensor floor() => Unary(UnaryOp.Floor);
    /// <summary>Ceiling.</summary>
    public Tensor ceil() => Unary(UnaryOp.Ceil);
    /// <summary>Round half to even.</summary>
    public Tensor round() => Unary(UnaryOp.Round);
    /// <summary>Sign (-1, 0, 1).</summary>
    public Tensor sign() => Unary(UnaryOp.Sign);
    /// <summary>Error function.</summary>
    public Tensor erf() => Unary(UnaryOp.Erf);
    /// <summary>Logical not.</summary>
    public Tensor logical_not() => Unary(UnaryOp.LogicalNot);
    /// <summary>True where NaN.</summary>
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    /// <summary>True where finite.</summary>
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);
    /// <summary>True where ±infinity.</summary>
    public Tensor isinf() => Unary(UnaryOp.IsInf);
    /// <summary>Indices of non-zero elements, [n, ndim].</summary>
    public Tensor nonzero() => Unary(UnaryOp.Nonzero);
    /// <summary>A contiguous tensor with the same values (this data when already contiguous).</summary>
    public Tensor contiguous() => Unary(UnaryOp.Contiguous);
    /// <summary>A copy that autograd tracks.</summary>
    public Tensor clone() => Unary(UnaryOp.Clone);
    /// <summary>A new handle to the same tensor (same storage, same autograd node).</summary>
    public Tensor alias() => Wrap(NativeMethods.vt_tensor_alias(Handle));
    /// <summary>A view that autograd does not track.</summary>
    public Tensor detach() => Unary(UnaryOp.Detach);

    // ---------------- comparisons ----------------

    /// <summary>Elementwise ==.</summary>
    public Tensor eq(Tensor other) => Binary(other, BinaryOp.Eq);
    /// <summary>Elementwise == scalar.</summary>
    public Tensor eq(double s) => Scalar(s, BinaryOp.Eq);
    /// <summary>Elementwise == integer scalar.</summary>
    public Tensor eq(long s) => Scalar(s, BinaryOp.Eq);
    /// <summary>Elementwise !=.</summary>
    public Tensor ne(Tensor other) => Binary(other, BinaryOp.Ne);
    /// <summary>Elementwise != scalar.</summary>
    public Tensor ne(double s) => Scalar(s, BinaryOp.Ne);
    /// <summary>Elementwise &lt;.</summary>
    public Tensor lt(Tensor other) => Binary(other, BinaryOp.Lt);
    /// <summary>Elementwise &lt; scalar.</summary>
    public Tensor lt(double s) => Scalar(s, BinaryOp.Lt);
    /// <summary>Elementwise &lt;=.</summary>
    public Tensor le(Tensor other) => Binary(other, BinaryOp.Le);
    /// <summary>Elementwise &lt;= scalar.</summary>
    public Tensor le(double s) => Scalar(s, BinaryOp.Le);
    /// <summary>Elementwise &gt;.</summary>
    public Tensor gt(Tensor other) => Binary(other, BinaryOp.Gt);
    /// <summary>Elementwise &gt; scalar.</summary>
    public Tensor gt(double s) => Scalar(s, BinaryOp.Gt);
    /// <summary>Elementwise &gt;=.</summary>
    public Tensor ge(Tensor other) => Binary(other, BinaryOp.Ge);
    /// <summary>Elementwise &gt;= scalar.</summary>
    public Tensor ge(double s) => Scalar(s, BinaryOp.Ge);
    /// <summary>Logical and.</summary>
    public Tensor logical_and(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    /// <summary>Logical or.</summary>
    public Tensor logical_or(Tensor other) => Binary(other, BinaryOp.LogicalOr);
    /// <summary>True when shapes and all values are equal.</summary>
    public bool equal(Tensor other) => Check.Value(NativeMethods.vt_equal(Handle, other.Handle)) == 1;
    /// <summary>True when |a - b| &lt;= atol + rtol * |b| everywhere.</summary>
    public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8) =>
        Check.Value(NativeMethods.vt_allclose(Handle, other.Handle, rtol, atol)) == 1;

    /// <summary>Clamps to [min, max]; either bound may be omitted.</summary>
    public Tensor clamp(double? min = null, double? max = null) =>
        Wrap(NativeMethods.vt_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));
    /// <summary>Replaces elements where <paramref name="mask"/> is true.</summary>
    public Tensor masked_fill(Tensor mask, double value) => Wrap(NativeMethods.vt_masked_fill(Handle, mask.Handle, value, 0, 0));
    /// <summary>Elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor masked_select(Tensor mask) => Wrap(NativeMethods.vt_masked_select(Handle, mask.Handle));

    // ---------------- linear algebra ----------------

    /// <summary>Matrix product with broadcasting (torch.matmul).</summary>
    public Tensor matmul(Tensor other) => Binary(other, BinaryOp.Matmul);
    /// <summary>Batched matrix product of [B, n, m] and [B, m, p].</summary>
    public Tensor bmm(Tensor other) => Binary(other, BinaryOp.Bmm);
    /// <summary>Matrix product of 2-D tensors.</summary>
    public Tensor mm(Tensor other) => Binary(other, BinaryOp.Mm);

    // ---------------- reductions ----------------

    private unsafe Tensor Reduce(ReduceOp op, long[]? dims, bool keepdim)
    {
        dims ??= Array.Empty<long>();
        fixed (long* p = dims) return Wrap(NativeMethods.vt_reduce(Handle, (int)op, p, dims.Length, keepdim ? 1 : 0));
    }

    /// <summary>Sum of all elements.</summary>
    public Tensor sum() => Reduce(ReduceOp.Sum, null, false);
    /// <summary>Sum over one dimension.</summary>
    public Tensor sum(long dim, bool keepdim = false) => Reduce(ReduceOp.Sum, new[] { dim }, keepdim);
    /// <summary>Sum over several dimensions.</summary>
    public Tensor sum(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Sum, dims, keepdim);
    /// <summary>Mean of all elements.</summary>
    public Tensor mean() => Reduce(ReduceOp.Mean, null, false);
    /// <summary>Mean over one dimension.</summary>
    public Tensor mean(long dim, bool keepdim = false) => Reduce(ReduceOp.Mean, new[] { dim }, keepdim);
    /// <summary>Mean over several dimensions.</summary>
    public Tensor mean(long[] dims, bool keepdim = false) => Reduce(ReduceOp.Mean, dims, keepdim);
    /// <summary>Standard deviation (unbiased by default) of all elements.</summary>
    public Tensor std(bool unbiased = true) => Reduce(unbiased ? ReduceOp.Std : ReduceOp.StdBiased, null, false);
    /// <summary>Standard deviation over one dimension.</summary>
    public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => Reduce(unbiased ? ReduceOp.Std : ReduceOp.StdBiased, new[] { dim }, keepdim);
    /// <summary>Variance (unbiased by default) of all elements.</summary>
    public Tensor var(bool unbiased = true) => Reduce(unbiased ? ReduceOp.Var : ReduceOp.VarBiased, null, false);
    /// <summary>Maximum over dimensions, without indices.</summary>
    public Tensor amax(params long[] dims) => Reduce(ReduceOp.Amax, dims, false);
    /// <summary>Minimum over dimensions, without indices.</summary>
    public Tensor amin(params long[] dims) => Reduce(ReduceOp.Amin, dims, false);
    /// <summary>log(sum(exp(x))) over a dimension.</summary>
    public Tensor logsumexp(long dim, bool keepdim = false) => Reduce(ReduceOp.LogSumExp, new[] { dim }, keepdim);
    /// <summary>Product of all elements.</summary>
    public Tensor prod() => Reduce(ReduceOp.Prod, null, false);
    /// <summary>True when every element is non-zero.</summary>
    public Tensor all() => Reduce(ReduceOp.All, null, false);
    /// <summary>True when any element is non-zero.</summary>
    public Tensor any() => Reduce(ReduceOp.Any, null, false);
    /// <summary>Euclidean norm of all elements.</summary>
    public Tensor norm() => Reduce(ReduceOp.Norm, null, false);
    /// <summary>Euclidean norm over a dimension.</summary>
    public Tensor norm(long dim, bool keepdim = false) => Reduce(ReduceOp.Norm, new[] { dim }, keepdim);
    /// <summary>Maximum of all elements.</summary>
    public Tensor max() => Wrap(NativeMethods.vt_max_all(Handle));
    /// <summary>Minimum of all elements.</summary>
    public Tensor min() => Wrap(NativeMethods.vt_min_all(Handle));

    /// <summary>Maximum along a dimension, with the indices of the maxima.</summary>
    public unsafe (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
    {
        IntPtr idx;
        var v = NativeMethods.vt_minmax_dim(Handle, 0, dim, keepdim ? 1 : 0, &idx);
        var values = Wrap(v);
        return (values, Wrap(idx));
    }

    /// <summary>Minimum along a dimension, with the indices of the minima.</summary>
    public unsafe (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
    {
        IntPtr idx;
        var v = NativeMethods.vt_minmax_dim(Handle, 1, dim, keepdim ? 1 : 0, &idx);
        var values = Wrap(v);
        return (values, Wrap(idx));
    }

    /// <summary>Index of the maximum of the flattened tensor.</summary>
    public Tensor argmax() => Wrap(NativeMethods.vt_argmax(Handle, 0, 0, 0, 0));
    /// <summary>Indices of the maxima along a dimension.</summary>
    public Tensor argmax(long dim, bool keepdim = false) => Wrap(NativeMethods.vt_argmax(Handle, dim, 1, keepdim ? 1 : 0, 0));
    /// <summary>Indices of the minima along a dimension.</summary>
    public Tensor argmin(long dim, bool keepdim = false) => Wrap(NativeMethods.vt_argmax(Handle, dim, 1, keepdim ? 1 : 0, 1));

    /// <summary>The k largest (or smallest) elements along a dimension, with their indices.</summary>
    public unsafe (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        IntPtr idx;
        var v = NativeMethods.vt_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, &idx);
        var values = Wrap(v);
        return (values, Wrap(idx));
    }

    /// <summary>Sorts along a dimension, returning values and indices.</summary>
    public unsafe (Tensor values, Tensor indexes) sort(long dim = -1, bool descending = false)
    {
        IntPtr idx;
        var v = NativeMethods.vt_sort(Handle, dim, descending ? 1 : 0, &idx);
        var values = Wrap(v);
        return (values, Wrap(idx));
    }

    /// <summary>Cumulative sum along a dimension.</summary>
    public Tensor cumsum(long dim) => Wrap(NativeMethods.vt_cumsum(Handle, dim));

    // ---------------- shape ----------------

    /// <summary>Same data with a new shape (a view when possible, else a copy). One size may be -1.</summary>
    public unsafe Tensor reshape(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.vt_reshape(Handle, p, shape.Length));
    }
    /// <summary>A view with a new shape; fails when the memory layout does not allow it.</summary>
    public unsafe Tensor view(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.vt_view(Handle, p, shape.Length));
    }
    /// <summary>Reorders the dimensions (a view).</summary>
    public unsafe Tensor permute(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(NativeMethods.vt_permute(Handle, p, dims.Length));
    }
    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor transpose(long dim0, long dim1) => Wrap(NativeMethods.vt_transpose(Handle, dim0, dim1));
    /// <summary>Transpose of a 2-D tensor.</summary>
    public Tensor t() => transpose(0, 1);
    /// <summary>Flattens dimensions start..end into one.</summary>
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => Wrap(NativeMethods.vt_flatten(Handle, start_dim, end_dim));
    /// <summary>Splits one dimension into several (the inverse of flatten).</summary>
    public Tensor unflatten(long dim, params long[] sizes)
    {
        var s = shape.ToList();
        var d = (int)(dim < 0 ? dim + s.Count : dim);
        s.RemoveAt(d);
        s.InsertRange(d, sizes);
        return reshape(s.ToArray());
    }
    /// <summary>Inserts a size-1 dimension.</summary>
    public Tensor unsqueeze(long dim) => Wrap(NativeMethods.vt_unsqueeze(Handle, dim));
    /// <summary>Removes all size-1 dimensions.</summary>
    public Tensor squeeze() => Wrap(NativeMethods.vt_squeeze(Handle, 0, 0));
    /// <summary>Removes a size-1 dimension.</summary>
    public Tensor squeeze(long dim) => Wrap(NativeMethods.vt_squeeze(Handle, dim, 1));
    /// <summary>Broadcasts size-1 dimensions to a larger shape (a view; -1 keeps a size).</summary>
    public unsafe Tensor expand(params long[] shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.vt_expand(Handle, p, shape.Length));
    }
    /// <summary>Tiles the tensor.</summary>
    public unsafe Tensor repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return Wrap(NativeMethods.vt_repeat(Handle, p, repeats.Length));
    }
    /// <summary>A view of <paramref name="length"/> elements from <paramref name="start"/> along a dimension.</summary>
    public Tensor narrow(long dim, long start, long length) => Wrap(NativeMethods.vt_narrow(Handle, dim, start, length));
    /// <summary>A strided view along a dimension (Python's x[..., start:end:step]).</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => Wrap(NativeMethods.vt_slice(Handle, dim, start, end, step));
    /// <summary>Selects one index along a dimension, removing it.</summary>
    public Tensor select(long dim, long index) => Wrap(NativeMethods.vt_select(Handle, dim, index));
    /// <summary>Selects one index along the first dimension.</summary>
    public Tensor this[long index] => select(0, index);
    /// <summary>Picks entries along a dimension by an int64 index tensor.</summary>
    public Tensor index_select(long dim, Tensor index) => Wrap(NativeMethods.vt_index_select(Handle, dim, index.Handle));
    /// <summary>Gathers values along a dimension.</summary>
    public Tensor gather(long dim, Tensor index) => Wrap(NativeMethods.vt_gather(Handle, dim, index.Handle));
    /// <summary>Out-of-place scatter-add.</summary>
    public Tensor scatter_add(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.vt_scatter_add(Handle, dim, index.Handle, src.Handle));
    /// <summary>Advanced indexing with one index tensor per leading dimension (null = all).</summary>
    public unsafe Tensor index(params Tensor?[] indices)
    {
        var hs = indices.Select(t => t?.Handle ?? IntPtr.Zero).ToArray();
        fixed (IntPtr* p = hs) return Wrap(NativeMethods.vt_index(Handle, p, hs.Length));
    }
    /// <summary>Reverses the order along the given dimensions.</summary>
    public unsafe Tensor flip(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(NativeMethods.vt_flip(Handle, p, dims.Length));
    }
    /// <summary>Rolls elements along dimensions.</summary>
    public unsafe Tensor roll(long[] shifts, long[] dims)
    {
        if (shifts.Length != dims.Length) throw new ArgumentException("roll: shifts and dims must have the same length");
        fixed (long* s = shifts)
        fixed (long* d = dims) return Wrap(NativeMethods.vt_roll(Handle, s, d, dims.Length));
    }
    /// <summary>Lower triangle.</summary>
    public Tensor tril(long diagonal = 0) => Wrap(NativeMethods.vt_tril(Handle, diagonal, 0));
    /// <summary>Upper triangle.</summary>
    public Tensor triu(long diagonal = 0) => Wrap(NativeMethods.vt_tril(Handle, diagonal, 1));
    /// <summary>Splits into <paramref name="chunks"/> nearly equal views along a dimension.</summary>
    public unsafe Tensor[] chunk(long chunks, long dim = 0)
    {
        var buf = new IntPtr[chunks];
        int n;
        fixed (IntPtr* p = buf) n = Check.Value(NativeMethods.vt_chunk(Handle, chunks, dim, p, (int)chunks));
        return buf.Take(n).Select(Wrap).ToArray();
    }
    /// <summary>Splits into views of the given sizes along a dimension.</summary>
    public unsafe Tensor[] split(long[] sizes, long dim = 0)
    {
        var buf = new IntPtr[sizes.Length];
        fixed (long* s = sizes)
        fixed (IntPtr* p = buf) Check.Status(NativeMethods.vt_split_with_sizes(Handle, s, sizes.Length, dim, p));
        return buf.Select(Wrap).ToArray();
    }
    /// <summary>Constant padding; <paramref name="pad"/> lists (before, after) pairs from the last dimension backwards.</summary>
    public unsafe Tensor pad(long[] pad, double value = 0)
    {
        fixed (long* p = pad) return Wrap(NativeMethods.vt_pad(Handle, p, pad.Length, value));
    }

    // ---------------- type and device ----------------

    /// <summary>Converts the element type.</summary>
    public Tensor to(ScalarType type) => to(type, device);
    /// <summary>Moves to a device.</summary>
    public Tensor to(Device target) => to(dtype, target);
    /// <summary>Converts type and device.</summary>
    public Tensor to(ScalarType type, Device target, bool copy = false) =>
        Wrap(NativeMethods.vt_to(Handle, (int)type, (int)target.Type, target.Index, copy ? 1 : 0));
    /// <summary>Moves to host memory.</summary>
    public Tensor cpu() => to(Device.CPU);
    /// <summary>Moves to the current CUDA device.</summary>
    public Tensor cuda() => to(Device.CUDA);
    /// <summary>Converts to float32.</summary>
    public Tensor@float() => to(ScalarType.Float32);
    /// <summary>Converts to float64.</summary>
    public Tensor@double() => to(ScalarType.Float64);
    /// <summary>Converts to int64.</summary>
    public Tensor@long() => to(ScalarType.Int64);

    // ---------------- operators ----------------

    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.add(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.add(a);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.sub(b);
    /// <summary>Subtracts an integer scalar (integer tensors stay integer).</summary>
    public static Tensor operator -(Tensor a, long b) => a.Scalar(b, BinaryOp.Sub);
    /// <summary>Adds an integer scalar (integer tensors stay integer).</summary>
    public static Tensor operator +(Tensor a, long b) => a.add(b);
    /// <summary>Multiplies by an integer scalar (integer tensors stay integer).</summary>
    public static Tensor operator *(Tensor a, long b) => a.mul(b);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => b.Scalar(a, BinaryOp.RSub);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.neg();
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.mul(b);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.mul(a);
    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.div(b);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => b.Scalar(a, BinaryOp.RDiv);
}
