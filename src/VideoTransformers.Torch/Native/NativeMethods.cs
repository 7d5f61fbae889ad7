using System.Runtime.InteropServices;

namespace VideoTransformers.Torch.Native;

/// <summary>P/Invoke declarations of the native shim's C ABI (see src/VideoTransformers.Native).</summary>
internal static unsafe partial class NativeMethods
{
    internal const string Lib = "videotransformers_native";

    // ---- runtime ----
    [LibraryImport(Lib)] internal static partial int vt_abi_version();
    [LibraryImport(Lib)] internal static partial IntPtr vt_last_error();
    [LibraryImport(Lib)] internal static partial long vt_live_tensors();
    [LibraryImport(Lib)] internal static partial IntPtr vt_torch_version();
    [LibraryImport(Lib)] internal static partial int vt_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int vt_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int vt_get_num_threads();
    [LibraryImport(Lib)] internal static partial int vt_set_blas_threads(int n);
    [LibraryImport(Lib)] internal static partial int vt_get_blas_threads();
    [LibraryImport(Lib)] internal static partial int vt_set_num_interop_threads(int n);
    [LibraryImport(Lib)] internal static partial int vt_cuda_is_available();
    [LibraryImport(Lib)] internal static partial int vt_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int vt_cuda_synchronize();
    [LibraryImport(Lib)] internal static partial int vt_is_grad_enabled();
    [LibraryImport(Lib)] internal static partial int vt_set_grad_enabled(int enabled);
    [LibraryImport(Lib)] internal static partial IntPtr vt_inference_mode_enter();
    [LibraryImport(Lib)] internal static partial void vt_inference_mode_exit(IntPtr guard);
    [LibraryImport(Lib)] internal static partial int vt_is_inference_mode_enabled();

    // ---- tensor lifecycle and metadata ----
    [LibraryImport(Lib)] internal static partial void vt_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr vt_tensor_alias(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr vt_tensor_from_data(void* data, long* shape, int ndim, int dtype);
    [LibraryImport(Lib)] internal static partial IntPtr vt_tensor_from_blob(void* data, long* shape, int ndim, int dtype, delegate* unmanaged<IntPtr, void> deleter, IntPtr ctx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_empty(long* shape, int ndim, int dtype, int dev, int devidx, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr vt_full(long* shape, int ndim, double d, long l, int isInt, int dtype, int dev, int devidx, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr vt_arange(double start, double end, double step, int dtype, int dev, int devidx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_linspace(double start, double end, long steps, int dtype, int dev, int devidx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_rand(long* shape, int ndim, int dtype, int dev, int devidx, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr vt_randn(long* shape, int ndim, int dtype, int dev, int devidx, int rg);
    [LibraryImport(Lib)] internal static partial IntPtr vt_randint(long low, long high, long* shape, int ndim, int dtype, int dev, int devidx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_randperm(long n, int dtype, int dev, int devidx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_eye(long n, int dtype, int dev, int devidx);
    [LibraryImport(Lib)] internal static partial int vt_dim(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_shape(IntPtr t, long* outShape);
    [LibraryImport(Lib)] internal static partial int vt_strides(IntPtr t, long* outStrides);
    [LibraryImport(Lib)] internal static partial long vt_numel(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_dtype(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_device_type(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_device_index(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_is_contiguous(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_requires_grad(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_set_requires_grad(IntPtr t, int rg);
    [LibraryImport(Lib)] internal static partial int vt_is_leaf(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_defined(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr vt_data_ptr(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_copy_to_buffer(IntPtr t, void* dst, long nbytes);
    [LibraryImport(Lib)] internal static partial int vt_copy_from_buffer(IntPtr t, void* src, long nbytes);
    [LibraryImport(Lib)] internal static partial int vt_item(IntPtr t, double* d, long* l);
    [LibraryImport(Lib)] internal static partial IntPtr vt_to_string(IntPtr t);
    [LibraryImport(Lib)] internal static partial void vt_free_string(IntPtr s);

    // ---- elementwise / reductions / shape ----
    [LibraryImport(Lib)] internal static partial IntPtr vt_unary(IntPtr t, int op);
    [LibraryImport(Lib)] internal static partial int vt_unary_(IntPtr t, int op);
    [LibraryImport(Lib)] internal static partial IntPtr vt_binary(IntPtr a, IntPtr b, int op);
    [LibraryImport(Lib)] internal static partial int vt_binary_(IntPtr a, IntPtr b, int op);
    [LibraryImport(Lib)] internal static partial IntPtr vt_binary_scalar(IntPtr a, double d, long l, int isInt, int op);
    [LibraryImport(Lib)] internal static partial int vt_binary_scalar_(IntPtr a, double d, long l, int isInt, int op);
    [LibraryImport(Lib)] internal static partial IntPtr vt_add_alpha(IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Lib)] internal static partial int vt_add_alpha_(IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Lib)] internal static partial IntPtr vt_addcmul(IntPtr t, IntPtr a, IntPtr b, double v);
    [LibraryImport(Lib)] internal static partial int vt_addcmul_(IntPtr t, IntPtr a, IntPtr b, double v);
    [LibraryImport(Lib)] internal static partial IntPtr vt_addcdiv(IntPtr t, IntPtr a, IntPtr b, double v);
    [LibraryImport(Lib)] internal static partial int vt_addcdiv_(IntPtr t, IntPtr a, IntPtr b, double v);
    [LibraryImport(Lib)] internal static partial int vt_lerp_(IntPtr t, IntPtr end, double w);
    [LibraryImport(Lib)] internal static partial int vt_uniform_(IntPtr t, double a, double b);
    [LibraryImport(Lib)] internal static partial int vt_normal_(IntPtr t, double mean, double std);
    [LibraryImport(Lib)] internal static partial int vt_bernoulli_(IntPtr t, double p);
    [LibraryImport(Lib)] internal static partial IntPtr vt_clamp(IntPtr t, double mn, int hasMin, double mx, int hasMax);
    [LibraryImport(Lib)] internal static partial IntPtr vt_where(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr vt_masked_fill(IntPtr t, IntPtr mask, double d, long l, int isInt);
    [LibraryImport(Lib)] internal static partial IntPtr vt_reduce(IntPtr t, int op, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial IntPtr vt_minmax_dim(IntPtr t, int op, long dim, int keepdim, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr vt_max_all(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr vt_min_all(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr vt_argmax(IntPtr t, long dim, int hasDim, int keepdim, int isMin);
    [LibraryImport(Lib)] internal static partial IntPtr vt_topk(IntPtr t, long k, long dim, int largest, int sorted, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr vt_sort(IntPtr t, long dim, int descending, IntPtr* indices);
    [LibraryImport(Lib)] internal static partial IntPtr vt_cumsum(IntPtr t, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr vt_reshape(IntPtr t, long* s, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_view(IntPtr t, long* s, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_permute(IntPtr t, long* s, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_transpose(IntPtr t, long a, long b);
    [LibraryImport(Lib)] internal static partial IntPtr vt_flatten(IntPtr t, long s, long e);
    [LibraryImport(Lib)] internal static partial IntPtr vt_unsqueeze(IntPtr t, long d);
    [LibraryImport(Lib)] internal static partial IntPtr vt_squeeze(IntPtr t, long d, int hasDim);
    [LibraryImport(Lib)] internal static partial IntPtr vt_expand(IntPtr t, long* s, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_repeat(IntPtr t, long* s, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_cat(IntPtr* ts, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr vt_stack(IntPtr* ts, int n, long dim);
    [LibraryImport(Lib)] internal static partial IntPtr vt_narrow(IntPtr t, long dim, long start, long len);
    [LibraryImport(Lib)] internal static partial IntPtr vt_slice(IntPtr t, long dim, long start, long end, long step);
    [LibraryImport(Lib)] internal static partial IntPtr vt_select(IntPtr t, long dim, long index);
    [LibraryImport(Lib)] internal static partial IntPtr vt_index_select(IntPtr t, long dim, IntPtr idx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_gather(IntPtr t, long dim, IntPtr idx);
    [LibraryImport(Lib)] internal static partial IntPtr vt_scatter_add(IntPtr t, long dim, IntPtr idx, IntPtr src);
    [LibraryImport(Lib)] internal static partial IntPtr vt_index(IntPtr t, IntPtr* idx, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_masked_select(IntPtr t, IntPtr mask);
    [LibraryImport(Lib)] internal static partial IntPtr vt_flip(IntPtr t, long* d, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_roll(IntPtr t, long* s, long* d, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_tril(IntPtr t, long k, int upper);
    [LibraryImport(Lib)] internal static partial IntPtr vt_one_hot(IntPtr t, long n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_to(IntPtr t, int dtype, int dev, int devidx, int copy);
    [LibraryImport(Lib)] internal static partial int vt_chunk(IntPtr t, long chunks, long dim, IntPtr* output, int capacity);
    [LibraryImport(Lib)] internal static partial int vt_split_with_sizes(IntPtr t, long* sizes, int n, long dim, IntPtr* output);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr vt_einsum(string eq, IntPtr* ts, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_pad(IntPtr t, long* p, int n, double value);
    [LibraryImport(Lib)] internal static partial int vt_allclose(IntPtr a, IntPtr b, double rtol, double atol);
    [LibraryImport(Lib)] internal static partial int vt_equal(IntPtr a, IntPtr b);

    // ---- nn ----
    [LibraryImport(Lib)] internal static partial IntPtr vt_linear(IntPtr x, IntPtr w, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr vt_conv(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, int n, long groups);
    [LibraryImport(Lib)] internal static partial IntPtr vt_softmax(IntPtr x, long dim, int log);
    [LibraryImport(Lib)] internal static partial IntPtr vt_layer_norm(IntPtr x, long* shape, int n, IntPtr w, IntPtr b, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr vt_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr rm, IntPtr rv, int training, double momentum, double eps);
    [LibraryImport(Lib)] internal static partial IntPtr vt_dropout(IntPtr x, double p, int train);
    [LibraryImport(Lib)] internal static partial IntPtr vt_cross_entropy(IntPtr logits, IntPtr target, IntPtr weight, long reduction, long ignoreIndex, double labelSmoothing);
    [LibraryImport(Lib)] internal static partial IntPtr vt_nll_loss(IntPtr logp, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
    [LibraryImport(Lib)] internal static partial IntPtr vt_mse_loss(IntPtr a, IntPtr b, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr vt_bce_with_logits(IntPtr x, IntPtr y, IntPtr w, IntPtr posWeight, long reduction);
    [LibraryImport(Lib)] internal static partial IntPtr vt_pool(IntPtr x, int kind, long* k, long* s, long* p, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_adaptive_avg_pool(IntPtr x, long* output, int n);
    [LibraryImport(Lib)] internal static partial IntPtr vt_interpolate(IntPtr x, long* size, int n, int mode, int alignCorners);
    [LibraryImport(Lib)] internal static partial IntPtr vt_affine_grid(IntPtr theta, long* size, int n, int alignCorners);
    [LibraryImport(Lib)] internal static partial IntPtr vt_grid_sample(IntPtr x, IntPtr grid, int mode, int padding, int alignCorners);
    [LibraryImport(Lib)] internal static partial IntPtr vt_lstm(IntPtr input, IntPtr h0, IntPtr c0, IntPtr* parameters, int nparams, int hasBiases, long numLayers, double dropout, int train, int bidirectional, int batchFirst, IntPtr* hN, IntPtr* cN);
    [LibraryImport(Lib)] internal static partial double vt_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType);

    // ---- autograd ----
    [LibraryImport(Lib)] internal static partial int vt_backward(IntPtr t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] internal static partial int vt_grad(IntPtr t, IntPtr* output);
    [LibraryImport(Lib)] internal static partial int vt_set_grad(IntPtr t, IntPtr g);
    [LibraryImport(Lib)] internal static partial int vt_retain_grad(IntPtr t);
    [LibraryImport(Lib)] internal static partial int vt_autograd_grad(IntPtr* outputs, int n, IntPtr* gradOutputs, IntPtr* inputs, int m, int retainGraph, int createGraph, IntPtr* output);

}
