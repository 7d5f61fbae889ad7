// Common helpers of the VideoTransformers native shim.
//
// Every exported function is `extern "C"` and never lets a C++ exception escape:
// the body runs inside VT_GUARD, which stores the message in a thread-local slot
// and returns a failure value that the managed side turns into a .NET exception.
#pragma once
#include <torch/torch.h>
#include <atomic>
#include <string>
#include <vector>

#define VT_API extern "C" __attribute__((visibility("default")))
#define VT_ABI_VERSION 4

typedef at::Tensor* vt_tensor;

namespace vt {
void set_error(const char* msg);
void clear_error();
extern std::atomic<int64_t> live_tensors;

inline vt_tensor wrap(at::Tensor&& t) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(t));
}
inline vt_tensor wrap(const at::Tensor& t) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(t);
}
inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, (size_t)n); }
inline c10::optional<at::Tensor> opt(vt_tensor t) {
  return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}
inline at::Tensor orundef(vt_tensor t) { return t ? *t : at::Tensor(); }
inline at::Device device(int type, int index) {
  return at::Device(type == 1 ? at::kCUDA : at::kCPU, (c10::DeviceIndex)index);
}
inline at::TensorOptions options(int dtype, int dev_type, int dev_index) {
  return at::TensorOptions().dtype((at::ScalarType)dtype).device(device(dev_type, dev_index));
}
inline std::vector<at::Tensor> list(vt_tensor* ts, int n) {
  std::vector<at::Tensor> v;
  v.reserve(n);
  for (int i = 0; i < n; i++) v.push_back(*ts[i]);
  return v;
}
inline at::Scalar scalar(double d, int64_t l, int is_int) {
  return is_int ? at::Scalar(l) : at::Scalar(d);
}
}  // namespace vt

// Runs `body`; on any exception records the message and returns `fail`.
#define VT_GUARD(fail, ...)                                  \
  try {                                                       \
    vt::clear_error();                                        \
    __VA_ARGS__                                               \
  } catch (const c10::Error& e) {                             \
    vt::set_error(e.what_without_backtrace());                \
  } catch (const std::exception& e) {                         \
    vt::set_error(e.what());                                  \
  } catch (...) {                                             \
    vt::set_error("unknown native exception");                \
  }                                                           \
  return fail;

#define VT_TENSOR(...) VT_GUARD(nullptr, { return vt::wrap(__VA_ARGS__); })
#define VT_STATUS(...) VT_GUARD(-1, { __VA_ARGS__; return 0; })
