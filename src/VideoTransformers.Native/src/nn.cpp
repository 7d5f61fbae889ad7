// Neural-network functional ops (the torch.nn.functional surface the library needs).
#include "shim.h"

using at::Tensor;

VT_API vt_tensor vt_linear(vt_tensor x, vt_tensor w, vt_tensor b) { VT_TENSOR(at::linear(*x, *w, vt::opt(b))) }

// n = 1, 2 or 3 spatial dims; stride/padding/dilation each hold n values.
VT_API vt_tensor vt_conv(vt_tensor x, vt_tensor w, vt_tensor b, const int64_t* stride, const int64_t* padding,
                         const int64_t* dilation, int n, int64_t groups) {
  VT_TENSOR(([&]() -> Tensor {
    auto s = vt::dims(stride, n), p = vt::dims(padding, n), d = vt::dims(dilation, n);
    switch (n) {
      case 1: return at::conv1d(*x, *w, vt::opt(b), s, p, d, groups);
      case 2: return at::conv2d(*x, *w, vt::opt(b), s, p, d, groups);
      case 3: return at::conv3d(*x, *w, vt::opt(b), s, p, d, groups);
    }
    throw std::invalid_argument("convolution supports 1, 2 or 3 spatial dims");
  }()))
}
VT_API vt_tensor vt_softmax(vt_tensor x, int64_t dim, int log) {
  VT_TENSOR(log ? at::log_softmax(*x, dim) : at::softmax(*x, dim))
}
VT_API vt_tensor vt_layer_norm(vt_tensor x, const int64_t* shape, int n, vt_tensor w, vt_tensor b, double eps) {
  VT_TENSOR(at::layer_norm(*x, vt::dims(shape, n), vt::opt(w), vt::opt(b), eps))
}
VT_API vt_tensor vt_batch_norm(vt_tensor x, vt_tensor w, vt_tensor b, vt_tensor rm, vt_tensor rv, int training,
                               double momentum, double eps) {
  VT_TENSOR(at::batch_norm(*x, vt::opt(w), vt::opt(b), vt::opt(rm), vt::opt(rv), training != 0, momentum, eps, false))
}
VT_API vt_tensor vt_dropout(vt_tensor x, double p, int train) { VT_TENSOR(at::dropout(*x, p, train != 0)) }

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
VT_API vt_tensor vt_cross_entropy(vt_tensor logits, vt_tensor target, vt_tensor weight, int64_t reduction,
                                  int64_t ignore_index, double label_smoothing) {
  VT_TENSOR(at::cross_entropy_loss(*logits, *target, vt::opt(weight), reduction, ignore_index, label_smoothing))
}
VT_API vt_tensor vt_nll_loss(vt_tensor logp, vt_tensor target, vt_tensor weight, int64_t reduction,
                             int64_t ignore_index) {
  VT_TENSOR(at::nll_loss_nd(*logp, *target, vt::opt(weight), reduction, ignore_index))
}
VT_API vt_tensor vt_mse_loss(vt_tensor a, vt_tensor b, int64_t reduction) { VT_TENSOR(at::mse_loss(*a, *b, reduction)) }
VT_API vt_tensor vt_bce_with_logits(vt_tensor x, vt_tensor y, vt_tensor w, vt_tensor pos_weight, int64_t reduction) {
  VT_TENSOR(at::binary_cross_entropy_with_logits(*x, *y, vt::opt(w), vt::opt(pos_weight), reduction))
}

// kind: 0 max, 1 avg. n spatial dims (2 or 3).
VT_API vt_tensor vt_pool(vt_tensor x, int kind, const int64_t* k, const int64_t* s, const int64_t* p, int n) {
  VT_TENSOR(([&]() -> Tensor {
    auto kk = vt::dims(k, n), ss = vt::dims(s, n), pp = vt::dims(p, n);
    if (n == 2) return kind == 0 ? at::max_pool2d(*x, kk, ss, pp) : at::avg_pool2d(*x, kk, ss, pp);
    if (n == 3) return kind == 0 ? at::max_pool3d(*x, kk, ss, pp) : at::avg_pool3d(*x, kk, ss, pp);
    throw std::invalid_argument("pooling supports 2 or 3 spatial dims");
  }()))
}
VT_API vt_tensor vt_adaptive_avg_pool(vt_tensor x, const int64_t* out, int n) {
  VT_TENSOR(([&]() -> Tensor {
    if (n == 1) return at::adaptive_avg_pool1d(*x, vt::dims(out, n));
    if (n == 2) return at::adaptive_avg_pool2d(*x, vt::dims(out, n));
    if (n == 3) return at::adaptive_avg_pool3d(*x, vt::dims(out, n));
    throw std::invalid_argument("adaptive pooling supports 1, 2 or 3 spatial dims");
  }()))
}

// mode: 0 nearest, 1 linear, 2 bilinear, 3 trilinear, 4 bicubic.
VT_API vt_tensor vt_interpolate(vt_tensor x, const int64_t* size, int n, int mode, int align_corners) {
  VT_TENSOR(([&]() -> Tensor {
    auto sz = vt::dims(size, n);
    bool ac = align_corners != 0;
    if (n + 2 != x->dim())
      throw std::invalid_argument("interpolate: size has " + std::to_string(n) + " values but the input has " +
                                  std::to_string(x->dim() - 2) + " spatial dims");
    switch (mode) {
      case 0:
        if (n == 1) return at::upsample_nearest1d(*x, sz);
        if (n == 2) return at::upsample_nearest2d(*x, sz);
        if (n == 3) return at::upsample_nearest3d(*x, sz);
        break;
      case 1: if (n == 1) return at::upsample_linear1d(*x, sz, ac); break;
      case 2: if (n == 2) return at::upsample_bilinear2d(*x, sz, ac); break;
      case 3: if (n == 3) return at::upsample_trilinear3d(*x, sz, ac); break;
      case 4: if (n == 2) return at::upsample_bicubic2d(*x, sz, ac); break;
    }
    throw std::invalid_argument("interpolate: mode " + std::to_string(mode) + " does not support " +
                                std::to_string(n) + " spatial dims");
  }()))
}
VT_API vt_tensor vt_affine_grid(vt_tensor theta, const int64_t* size, int n, int align_corners) {
  VT_TENSOR(at::affine_grid_generator(*theta, vt::dims(size, n), align_corners != 0))
}
// mode: 0 bilinear, 1 nearest, 2 bicubic; padding: 0 zeros, 1 border, 2 reflection.
VT_API vt_tensor vt_grid_sample(vt_tensor x, vt_tensor grid, int mode, int padding, int align_corners) {
  VT_TENSOR(at::grid_sampler(*x, *grid, mode, padding, align_corners != 0))
}

// Multi-layer LSTM over `params` laid out as PyTorch's _flat_weights
// (w_ih, w_hh, b_ih, b_hh per layer and direction). Returns output; h_n and c_n via out-params.
VT_API vt_tensor vt_lstm(vt_tensor input, vt_tensor h0, vt_tensor c0, vt_tensor* params, int nparams, int has_biases,
                         int64_t num_layers, double dropout, int train, int bidirectional, int batch_first,
                         vt_tensor* h_n, vt_tensor* c_n) {
  VT_GUARD(nullptr, {
    std::vector<Tensor> hx{*h0, *c0};
    auto r = at::lstm(*input, hx, vt::list(params, nparams), has_biases != 0, num_layers, dropout, train != 0,
                      bidirectional != 0, batch_first != 0);
    *h_n = vt::wrap(std::get<1>(r));
    *c_n = vt::wrap(std::get<2>(r));
    return vt::wrap(std::get<0>(r));
  })
}

// Clips the gradients of `params` in place like torch.nn.utils.clip_grad_norm_; returns the total norm.
VT_API double vt_clip_grad_norm(vt_tensor* params, int n, double max_norm, double norm_type) {
  VT_GUARD(-1.0, {
    at::NoGradGuard ng;
    std::vector<Tensor> grads;
    for (int i = 0; i < n; i++)
      if (params[i]->grad().defined()) grads.push_back(params[i]->grad());
    if (grads.empty()) return 0.0;
    std::vector<Tensor> norms;
    for (auto& g : grads) norms.push_back(at::norm(g.detach(), norm_type));
    auto total = std::isinf(norm_type) ? at::stack(norms).max() : at::norm(at::stack(norms), norm_type);
    auto coef = at::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
    for (auto& g : grads) g.mul_(coef.to(g.device()));
    return total.item<double>();
  })
}
