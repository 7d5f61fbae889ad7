// Autograd: backward, gradients and leaf bookkeeping.
#include "shim.h"

VT_API int32_t vt_backward(vt_tensor t, vt_tensor grad, int retain_graph, int create_graph) {
  VT_STATUS(t->backward(vt::orundef(grad), retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0))
}
// Writes the gradient (or nullptr when there is none) into *out.
VT_API int32_t vt_grad(vt_tensor t, vt_tensor* out) {
  VT_STATUS({
    const auto& g = t->grad();
    *out = g.defined() ? vt::wrap(g) : nullptr;
  })
}
VT_API int32_t vt_set_grad(vt_tensor t, vt_tensor g) { VT_STATUS(t->mutable_grad() = vt::orundef(g)) }
VT_API int32_t vt_retain_grad(vt_tensor t) { VT_STATUS(t->retain_grad()) }

// torch.autograd.grad: gradients of `outputs` w.r.t. `inputs`, written to out[0..m).
VT_API int32_t vt_autograd_grad(vt_tensor* outputs, int n, vt_tensor* grad_outputs, vt_tensor* inputs, int m,
                                int retain_graph, int create_graph, vt_tensor* out) {
  VT_STATUS({
    std::vector<at::Tensor> go;
    for (int i = 0; i < n; i++) go.push_back(grad_outputs && grad_outputs[i] ? *grad_outputs[i] : at::Tensor());
    auto r = torch::autograd::grad(vt::list(outputs, n), vt::list(inputs, m), go,
                                   retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0, true);
    for (int i = 0; i < m; i++) out[i] = r[i].defined() ? vt::wrap(r[i]) : nullptr;
  })
}
