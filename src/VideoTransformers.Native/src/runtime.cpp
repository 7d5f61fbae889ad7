// Runtime state: errors, ABI version, threads, seeds, grad and inference modes.
#include "shim.h"
#include <cstring>

namespace vt {
static thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};
void set_error(const char* msg) { last_error = msg ? msg : "unknown error"; }
void clear_error() { last_error.clear(); }
}  // namespace vt

VT_API int32_t vt_abi_version() { return VT_ABI_VERSION; }

// Pointer stays valid until the next failing call on the same thread.
VT_API const char* vt_last_error() { return vt::last_error.c_str(); }

VT_API int64_t vt_live_tensors() { return vt::live_tensors.load(); }

VT_API const char* vt_torch_version() {
  static std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
                         "." + std::to_string(TORCH_VERSION_PATCH);
  return v.c_str();
}

VT_API int32_t vt_manual_seed(uint64_t seed) { VT_STATUS(torch::manual_seed(seed)) }

VT_API int32_t vt_set_num_threads(int32_t n) { VT_STATUS(at::set_num_threads(n)) }
VT_API int32_t vt_get_num_threads() { return at::get_num_threads(); }
VT_API int32_t vt_set_num_interop_threads(int32_t n) { VT_STATUS(at::set_num_interop_threads(n)) }

VT_API int32_t vt_cuda_is_available() {
  try { return torch::cuda::is_available() ? 1 : 0; } catch (...) { return 0; }
}
VT_API int32_t vt_cuda_device_count() {
  try { return (int32_t)torch::cuda::device_count(); } catch (...) { return 0; }
}
VT_API int32_t vt_cuda_synchronize() {
  VT_STATUS({
    if (torch::cuda::is_available()) torch::cuda::synchronize();
  })
}

VT_API int32_t vt_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
VT_API int32_t vt_set_grad_enabled(int32_t enabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return prev ? 1 : 0;
}

// InferenceMode is an RAII guard bound to the calling thread; the managed scope
// keeps the heap-allocated guard and deletes it on the same thread.
VT_API void* vt_inference_mode_enter() {
  VT_GUARD(nullptr, { return new c10::InferenceMode(true); })
}
VT_API void vt_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
VT_API int32_t vt_is_inference_mode_enabled() { return c10::InferenceMode::is_enabled() ? 1 : 0; }

// OpenBLAS keeps its own thread pool for GEMM, separate from libtorch's intra-op pool. Its setter is looked up in the
// BLAS that libtorch already loaded (Debian's libblas.so.3 alternative), so the shim has no link dependency on it.
#include <dlfcn.h>
namespace {
void* blas_symbol(const char* name) {
  for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
    if (void* h = dlopen(lib, RTLD_NOW | RTLD_NOLOAD)) {
      void* f = dlsym(h, name);
      dlclose(h);
      if (f) return f;
    }
  }
  return dlsym(RTLD_DEFAULT, name);
}
}  // namespace

// Returns 1 when OpenBLAS was found and set, 0 when the BLAS in use is not OpenBLAS.
VT_API int32_t vt_set_blas_threads(int32_t n) {
  auto f = reinterpret_cast<void (*)(int)>(blas_symbol("openblas_set_num_threads"));
  if (!f) return 0;
  f(n);
  return 1;
}
VT_API int32_t vt_get_blas_threads() {
  auto f = reinterpret_cast<int (*)()>(blas_symbol("openblas_get_num_threads"));
  return f ? f() : -1;
}
