// Tensor lifecycle, creation and metadata.
#include "shim.h"
#include <cstring>

VT_API void vt_tensor_free(vt_tensor t) {
  if (!t) return;
  vt::live_tensors.fetch_sub(1, std::memory_order_relaxed);
  delete t;
}

// A second handle to the same tensor (shares storage and autograd identity).
VT_API vt_tensor vt_tensor_alias(vt_tensor t) { VT_TENSOR(*t) }

// Copies `nbytes` from `data` into a new tensor that owns its memory.
VT_API vt_tensor vt_tensor_from_data(const void* data, const int64_t* shape, int ndim, int dtype) {
  VT_TENSOR(({
    auto t = at::empty(vt::dims(shape, ndim), at::TensorOptions().dtype((at::ScalarType)dtype));
    if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
    t;
  }))
}

typedef void (*vt_deleter)(void* ctx);

// Wraps caller-owned memory without copying; `deleter(ctx)` runs when libtorch frees the storage.
VT_API vt_tensor vt_tensor_from_blob(void* data, const int64_t* shape, int ndim, int dtype, vt_deleter deleter,
                                     void* ctx) {
  VT_TENSOR(at::from_blob(
      data, vt::dims(shape, ndim), [deleter, ctx](void*) { if (deleter) deleter(ctx); },
      at::TensorOptions().dtype((at::ScalarType)dtype)))
}

VT_API vt_tensor vt_empty(const int64_t* shape, int ndim, int dtype, int dev, int devidx, int rg) {
  VT_TENSOR(torch::empty(vt::dims(shape, ndim), vt::options(dtype, dev, devidx).requires_grad(rg != 0)))
}
VT_API vt_tensor vt_full(const int64_t* shape, int ndim, double d, int64_t l, int is_int, int dtype, int dev,
                         int devidx, int rg) {
  VT_TENSOR(
      torch::full(vt::dims(shape, ndim), vt::scalar(d, l, is_int), vt::options(dtype, dev, devidx).requires_grad(rg != 0)))
}
VT_API vt_tensor vt_arange(double start, double end, double step, int dtype, int dev, int devidx) {
  VT_TENSOR(at::arange(at::Scalar(start), at::Scalar(end), at::Scalar(step), vt::options(dtype, dev, devidx)))
}
VT_API vt_tensor vt_linspace(double start, double end, int64_t steps, int dtype, int dev, int devidx) {
  VT_TENSOR(at::linspace(start, end, steps, vt::options(dtype, dev, devidx)))
}
VT_API vt_tensor vt_rand(const int64_t* shape, int ndim, int dtype, int dev, int devidx, int rg) {
  VT_TENSOR(torch::rand(vt::dims(shape, ndim), vt::options(dtype, dev, devidx).requires_grad(rg != 0)))
}
VT_API vt_tensor vt_randn(const int64_t* shape, int ndim, int dtype, int dev, int devidx, int rg) {
  VT_TENSOR(torch::randn(vt::dims(shape, ndim), vt::options(dtype, dev, devidx).requires_grad(rg != 0)))
}
VT_API vt_tensor vt_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int dtype, int dev,
                            int devidx) {
  VT_TENSOR(at::randint(low, high, vt::dims(shape, ndim), vt::options(dtype, dev, devidx)))
}
VT_API vt_tensor vt_randperm(int64_t n, int dtype, int dev, int devidx) {
  VT_TENSOR(at::randperm(n, vt::options(dtype, dev, devidx)))
}
VT_API vt_tensor vt_eye(int64_t n, int dtype, int dev, int devidx) { VT_TENSOR(at::eye(n, vt::options(dtype, dev, devidx))) }

VT_API int32_t vt_dim(vt_tensor t) { VT_GUARD(-1, { return (int32_t)t->dim(); }) }
VT_API int32_t vt_shape(vt_tensor t, int64_t* out) {
  VT_STATUS({
    auto s = t->sizes();
    for (size_t i = 0; i < s.size(); i++) out[i] = s[i];
  })
}
VT_API int32_t vt_strides(vt_tensor t, int64_t* out) {
  VT_STATUS({
    auto s = t->strides();
    for (size_t i = 0; i < s.size(); i++) out[i] = s[i];
  })
}
VT_API int64_t vt_numel(vt_tensor t) { VT_GUARD(-1, { return t->numel(); }) }
VT_API int32_t vt_dtype(vt_tensor t) { VT_GUARD(-1, { return (int32_t)t->scalar_type(); }) }
VT_API int32_t vt_device_type(vt_tensor t) { VT_GUARD(-1, { return t->is_cuda() ? 1 : 0; }) }
VT_API int32_t vt_device_index(vt_tensor t) { VT_GUARD(-1, { return (int32_t)t->get_device(); }) }
VT_API int32_t vt_is_contiguous(vt_tensor t) { VT_GUARD(-1, { return t->is_contiguous() ? 1 : 0; }) }
VT_API int32_t vt_requires_grad(vt_tensor t) { VT_GUARD(-1, { return t->requires_grad() ? 1 : 0; }) }
VT_API int32_t vt_set_requires_grad(vt_tensor t, int32_t rg) { VT_STATUS(t->requires_grad_(rg != 0)) }
VT_API int32_t vt_is_leaf(vt_tensor t) { VT_GUARD(-1, { return t->is_leaf() ? 1 : 0; }) }
VT_API int32_t vt_defined(vt_tensor t) { return t && t->defined() ? 1 : 0; }
VT_API void* vt_data_ptr(vt_tensor t) { VT_GUARD(nullptr, { return t->data_ptr(); }) }

// Copies the tensor's elements, in C order, to `dst` (which holds `nbytes`).
VT_API int32_t vt_copy_to_buffer(vt_tensor t, void* dst, int64_t nbytes) {
  VT_STATUS({
    auto c = t->detach().to(at::kCPU).contiguous();
    if ((int64_t)c.nbytes() != nbytes)
      throw std::runtime_error("buffer holds " + std::to_string(nbytes) + " bytes, tensor has " +
                               std::to_string(c.nbytes()));
    if (nbytes) std::memcpy(dst, c.data_ptr(), nbytes);
  })
}
// Overwrites the tensor's elements from a C-order buffer (used by load_state_dict and optimizers).
VT_API int32_t vt_copy_from_buffer(vt_tensor t, const void* src, int64_t nbytes) {
  VT_STATUS({
    if ((int64_t)(t->numel() * t->element_size()) != nbytes)
      throw std::runtime_error("buffer holds " + std::to_string(nbytes) + " bytes, tensor needs " +
                               std::to_string(t->numel() * t->element_size()));
    auto src_t = at::from_blob(const_cast<void*>(src), t->sizes(), t->options().device(at::kCPU));
    at::NoGradGuard ng;
    t->copy_(src_t);
  })
}
VT_API int32_t vt_item(vt_tensor t, double* d, int64_t* l) {
  VT_STATUS({
    auto s = t->item();
    if (s.isIntegral(true)) { *l = s.toLong(); *d = (double)*l; }
    else { *d = s.toDouble(); *l = (int64_t)*d; }
  })
}
VT_API char* vt_to_string(vt_tensor t) {
  VT_GUARD(nullptr, {
    std::ostringstream os;
    os << *t;
    return strdup(os.str().c_str());
  })
}
VT_API void vt_free_string(char* s) { free(s); }
