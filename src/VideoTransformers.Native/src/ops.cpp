// Elementwise, reduction, indexing and shape operations.
// Op codes are mirrored by VideoTransformers.Torch/Native/OpCodes.cs; append only.
#include "shim.h"

using at::Tensor;

static Tensor unary(const Tensor& t, int op) {
  switch (op) {
    case 0: return at::neg(t);
    case 1: return at::exp(t);
    case 2: return at::log(t);
    case 3: return at::sqrt(t);
    case 4: return at::rsqrt(t);
    case 5: return at::abs(t);
    case 6: return at::relu(t);
    case 7: return at::sigmoid(t);
    case 8: return at::tanh(t);
    case 9: return at::gelu(t, "none");
    case 10: return at::gelu(t, "tanh");
    case 11: return t.contiguous();
    case 12: return t.clone();
    case 13: return t.detach();
    case 14: return at::floor(t);
    case 15: return at::ceil(t);
    case 16: return at::round(t);
    case 17: return at::sign(t);
    case 18: return at::logical_not(t);
    case 19: return at::sin(t);
    case 20: return at::cos(t);
    case 21: return at::isnan(t);
    case 22: return at::isfinite(t);
    case 23: return at::erfinv(t);
    case 24: return at::erf(t);
    case 25: return at::square(t);
    case 26: return at::reciprocal(t);
    case 27: return at::silu(t);
    case 28: return at::log1p(t);
    case 29: return at::expm1(t);
    case 30: return at::isinf(t);
    case 31: return at::trunc(t);
    case 32: return at::nonzero(t);
    case 33: return at::softplus(t);
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

static void unary_(Tensor& t, int op) {
  switch (op) {
    case 0: t.neg_(); return;
    case 1: t.exp_(); return;
    case 2: t.log_(); return;
    case 3: t.sqrt_(); return;
    case 5: t.abs_(); return;
    case 6: t.relu_(); return;
    case 7: t.sigmoid_(); return;
    case 8: t.tanh_(); return;
    case 14: t.floor_(); return;
    case 15: t.ceil_(); return;
    case 16: t.round_(); return;
    case 23: t.erfinv_(); return;
    case 25: t.square_(); return;
    case 31: t.trunc_(); return;
    case 100: t.zero_(); return;
    case 101: t.detach_(); return;
  }
  throw std::invalid_argument("unknown in-place unary op " + std::to_string(op));
}

static Tensor binary(const Tensor& a, const Tensor& b, int op) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::pow(a, b);
    case 5: return at::eq(a, b);
    case 6: return at::ne(a, b);
    case 7: return at::lt(a, b);
    case 8: return at::le(a, b);
    case 9: return at::gt(a, b);
    case 10: return at::ge(a, b);
    case 11: return at::maximum(a, b);
    case 12: return at::minimum(a, b);
    case 13: return at::matmul(a, b);
    case 14: return at::bmm(a, b);
    case 15: return at::logical_and(a, b);
    case 16: return at::logical_or(a, b);
    case 17: return at::remainder(a, b);
    case 18: return at::atan2(a, b);
    case 19: return at::floor_divide(a, b);
    case 20: return at::logical_xor(a, b);
    case 21: return at::mm(a, b);
    case 22: return at::fmod(a, b);
  }
  throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

static void binary_(Tensor& a, const Tensor& b, int op) {
  switch (op) {
    case 0: a.add_(b); return;
    case 1: a.sub_(b); return;
    case 2: a.mul_(b); return;
    case 3: a.div_(b); return;
    case 4: a.pow_(b); return;
    case 100: a.copy_(b); return;
  }
  throw std::invalid_argument("unknown in-place binary op " + std::to_string(op));
}

static Tensor binary_scalar(const Tensor& a, const at::Scalar& s, int op) {
  switch (op) {
    case 0: return at::add(a, s);
    case 1: return at::sub(a, s);
    case 2: return at::mul(a, s);
    case 3: return at::div(a, s);
    case 4: return at::pow(a, s);
    case 5: return at::eq(a, s);
    case 6: return at::ne(a, s);
    case 7: return at::lt(a, s);
    case 8: return at::le(a, s);
    case 9: return at::gt(a, s);
    case 10: return at::ge(a, s);
    case 17: return at::remainder(a, s);
    case 22: return at::fmod(a, s);
    case 23: return at::rsub(a, s);
    case 24: return at::mul(at::reciprocal(a), s);
    case 25: return at::pow(s, a);
    case 26: return at::floor_divide(a, s);
  }
  throw std::invalid_argument("unknown scalar op " + std::to_string(op));
}

static void binary_scalar_(Tensor& a, const at::Scalar& s, int op) {
  switch (op) {
    case 0: a.add_(s); return;
    case 1: a.sub_(s); return;
    case 2: a.mul_(s); return;
    case 3: a.div_(s); return;
    case 4: a.pow_(s); return;
    case 100: a.fill_(s); return;
    case 101: a.clamp_min_(s); return;
    case 102: a.clamp_max_(s); return;
  }
  throw std::invalid_argument("unknown in-place scalar op " + std::to_string(op));
}

VT_API vt_tensor vt_unary(vt_tensor t, int op) { VT_TENSOR(unary(*t, op)) }
VT_API int32_t vt_unary_(vt_tensor t, int op) { VT_STATUS(unary_(*t, op)) }
VT_API vt_tensor vt_binary(vt_tensor a, vt_tensor b, int op) { VT_TENSOR(binary(*a, *b, op)) }
VT_API int32_t vt_binary_(vt_tensor a, vt_tensor b, int op) { VT_STATUS(binary_(*a, *b, op)) }
VT_API vt_tensor vt_binary_scalar(vt_tensor a, double d, int64_t l, int is_int, int op) {
  VT_TENSOR(binary_scalar(*a, vt::scalar(d, l, is_int), op))
}
VT_API int32_t vt_binary_scalar_(vt_tensor a, double d, int64_t l, int is_int, int op) {
  VT_STATUS(binary_scalar_(*a, vt::scalar(d, l, is_int), op))
}
VT_API vt_tensor vt_add_alpha(vt_tensor a, vt_tensor b, double alpha) { VT_TENSOR(at::add(*a, *b, alpha)) }
VT_API int32_t vt_add_alpha_(vt_tensor a, vt_tensor b, double alpha) { VT_STATUS(a->add_(*b, alpha)) }
VT_API vt_tensor vt_addcmul(vt_tensor t, vt_tensor a, vt_tensor b, double v) { VT_TENSOR(at::addcmul(*t, *a, *b, v)) }
VT_API int32_t vt_addcmul_(vt_tensor t, vt_tensor a, vt_tensor b, double v) { VT_STATUS(t->addcmul_(*a, *b, v)) }
VT_API vt_tensor vt_addcdiv(vt_tensor t, vt_tensor a, vt_tensor b, double v) { VT_TENSOR(at::addcdiv(*t, *a, *b, v)) }
VT_API int32_t vt_addcdiv_(vt_tensor t, vt_tensor a, vt_tensor b, double v) { VT_STATUS(t->addcdiv_(*a, *b, v)) }
VT_API int32_t vt_lerp_(vt_tensor t, vt_tensor end, double w) { VT_STATUS(t->lerp_(*end, w)) }

VT_API int32_t vt_uniform_(vt_tensor t, double a, double b) {
  VT_STATUS({ at::NoGradGuard g; t->uniform_(a, b); })
}
VT_API int32_t vt_normal_(vt_tensor t, double mean, double std) {
  VT_STATUS({ at::NoGradGuard g; t->normal_(mean, std); })
}
VT_API int32_t vt_bernoulli_(vt_tensor t, double p) { VT_STATUS({ at::NoGradGuard g; t->bernoulli_(p); }) }

VT_API vt_tensor vt_clamp(vt_tensor t, double mn, int has_min, double mx, int has_max) {
  VT_TENSOR(at::clamp(*t, has_min ? c10::optional<at::Scalar>(mn) : c10::nullopt,
                      has_max ? c10::optional<at::Scalar>(mx) : c10::nullopt))
}
VT_API vt_tensor vt_where(vt_tensor c, vt_tensor a, vt_tensor b) { VT_TENSOR(at::where(*c, *a, *b)) }
VT_API vt_tensor vt_masked_fill(vt_tensor t, vt_tensor mask, double d, int64_t l, int is_int) {
  VT_TENSOR(at::masked_fill(*t, *mask, vt::scalar(d, l, is_int)))
}

// Reductions over `dims` (all dims when ndims == 0).
VT_API vt_tensor vt_reduce(vt_tensor t, int op, const int64_t* dims, int ndims, int keepdim) {
  VT_TENSOR(([&]() -> Tensor {
    bool all = ndims == 0;
    auto d = vt::dims(dims, ndims);
    bool k = keepdim != 0;
    switch (op) {
      case 0: return all ? at::sum(*t) : at::sum(*t, d, k);
      case 1: return all ? at::mean(*t) : at::mean(*t, d, k);
      case 2: return at::amax(*t, d, k);
      case 3: return at::amin(*t, d, k);
      case 4: return all ? at::prod(*t) : at::prod(*t, dims[0], k);
      case 5: return all ? at::std(*t) : at::std(*t, d, true, k);
      case 6: return all ? at::var(*t) : at::var(*t, d, true, k);
      case 7: return at::logsumexp(*t, d, k);
      case 8: return all ? at::all(*t) : at::all(*t, dims[0], k);
      case 9: return all ? at::any(*t) : at::any(*t, dims[0], k);
      case 10: return all ? at::norm(*t) : at::norm(*t, 2, d, k);
      case 11: return all ? at::std(*t, false) : at::std(*t, d, false, k);
      case 12: return all ? at::var(*t, false) : at::var(*t, d, false, k);
    }
    throw std::invalid_argument("unknown reduction " + std::to_string(op));
  }()))
}
// max (op 0) or min (op 1) along a dimension, with indices.
VT_API vt_tensor vt_minmax_dim(vt_tensor t, int op, int64_t dim, int keepdim, vt_tensor* indices) {
  VT_GUARD(nullptr, {
    auto r = op == 0 ? at::max(*t, dim, keepdim != 0) : at::min(*t, dim, keepdim != 0);
    *indices = vt::wrap(std::get<1>(r));
    return vt::wrap(std::get<0>(r));
  })
}
VT_API vt_tensor vt_max_all(vt_tensor t) { VT_TENSOR(at::max(*t)) }
VT_API vt_tensor vt_min_all(vt_tensor t) { VT_TENSOR(at::min(*t)) }
VT_API vt_tensor vt_argmax(vt_tensor t, int64_t dim, int has_dim, int keepdim, int is_min) {
  VT_TENSOR(is_min ? at::argmin(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0)
                   : at::argmax(*t, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
}
VT_API vt_tensor vt_topk(vt_tensor t, int64_t k, int64_t dim, int largest, int sorted, vt_tensor* indices) {
  VT_GUARD(nullptr, {
    auto r = at::topk(*t, k, dim, largest != 0, sorted != 0);
    *indices = vt::wrap(std::get<1>(r));
    return vt::wrap(std::get<0>(r));
  })
}
VT_API vt_tensor vt_sort(vt_tensor t, int64_t dim, int descending, vt_tensor* indices) {
  VT_GUARD(nullptr, {
    auto r = at::sort(*t, dim, descending != 0);
    *indices = vt::wrap(std::get<1>(r));
    return vt::wrap(std::get<0>(r));
  })
}
VT_API vt_tensor vt_cumsum(vt_tensor t, int64_t dim) { VT_TENSOR(at::cumsum(*t, dim)) }

// ---- shape and indexing ----
VT_API vt_tensor vt_reshape(vt_tensor t, const int64_t* s, int n) { VT_TENSOR(at::reshape(*t, vt::dims(s, n))) }
VT_API vt_tensor vt_view(vt_tensor t, const int64_t* s, int n) { VT_TENSOR(t->view(vt::dims(s, n))) }
VT_API vt_tensor vt_permute(vt_tensor t, const int64_t* s, int n) { VT_TENSOR(t->permute(vt::dims(s, n))) }
VT_API vt_tensor vt_transpose(vt_tensor t, int64_t a, int64_t b) { VT_TENSOR(at::transpose(*t, a, b)) }
VT_API vt_tensor vt_flatten(vt_tensor t, int64_t s, int64_t e) { VT_TENSOR(at::flatten(*t, s, e)) }
VT_API vt_tensor vt_unsqueeze(vt_tensor t, int64_t d) { VT_TENSOR(at::unsqueeze(*t, d)) }
VT_API vt_tensor vt_squeeze(vt_tensor t, int64_t d, int has_dim) {
  VT_TENSOR(has_dim ? at::squeeze(*t, d) : at::squeeze(*t))
}
VT_API vt_tensor vt_expand(vt_tensor t, const int64_t* s, int n) { VT_TENSOR(t->expand(vt::dims(s, n))) }
VT_API vt_tensor vt_repeat(vt_tensor t, const int64_t* s, int n) { VT_TENSOR(t->repeat(vt::dims(s, n))) }
VT_API vt_tensor vt_cat(vt_tensor* ts, int n, int64_t dim) { VT_TENSOR(at::cat(vt::list(ts, n), dim)) }
VT_API vt_tensor vt_stack(vt_tensor* ts, int n, int64_t dim) { VT_TENSOR(at::stack(vt::list(ts, n), dim)) }
VT_API vt_tensor vt_narrow(vt_tensor t, int64_t dim, int64_t start, int64_t len) {
  VT_TENSOR(at::narrow(*t, dim, start, len))
}
VT_API vt_tensor vt_slice(vt_tensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  VT_TENSOR(at::slice(*t, dim, start, end, step))
}
VT_API vt_tensor vt_select(vt_tensor t, int64_t dim, int64_t index) { VT_TENSOR(at::select(*t, dim, index)) }
VT_API vt_tensor vt_index_select(vt_tensor t, int64_t dim, vt_tensor idx) {
  VT_TENSOR(at::index_select(*t, dim, *idx))
}
VT_API vt_tensor vt_gather(vt_tensor t, int64_t dim, vt_tensor idx) { VT_TENSOR(at::gather(*t, dim, *idx)) }
VT_API vt_tensor vt_scatter_add(vt_tensor t, int64_t dim, vt_tensor idx, vt_tensor src) {
  VT_TENSOR(at::scatter_add(*t, dim, *idx, *src))
}
VT_API vt_tensor vt_index(vt_tensor t, vt_tensor* idx, int n) {
  VT_TENSOR(([&] {
    c10::List<c10::optional<Tensor>> l;
    for (int i = 0; i < n; i++) l.push_back(idx[i] ? c10::optional<Tensor>(*idx[i]) : c10::nullopt);
    return at::index(*t, l);
  }()))
}
VT_API vt_tensor vt_masked_select(vt_tensor t, vt_tensor mask) { VT_TENSOR(at::masked_select(*t, *mask)) }
VT_API vt_tensor vt_flip(vt_tensor t, const int64_t* d, int n) { VT_TENSOR(at::flip(*t, vt::dims(d, n))) }
VT_API vt_tensor vt_roll(vt_tensor t, const int64_t* s, const int64_t* d, int n) {
  VT_TENSOR(at::roll(*t, vt::dims(s, n), vt::dims(d, n)))
}
VT_API vt_tensor vt_tril(vt_tensor t, int64_t k, int upper) { VT_TENSOR(upper ? at::triu(*t, k) : at::tril(*t, k)) }
VT_API vt_tensor vt_one_hot(vt_tensor t, int64_t n) { VT_TENSOR(at::one_hot(*t, n)) }
VT_API vt_tensor vt_to(vt_tensor t, int dtype, int dev, int devidx, int copy) {
  VT_TENSOR(t->to(vt::device(dev, devidx), (at::ScalarType)dtype, false, copy != 0))
}
VT_API int32_t vt_chunk(vt_tensor t, int64_t chunks, int64_t dim, vt_tensor* out, int capacity) {
  VT_GUARD(-1, {
    auto r = at::chunk(*t, chunks, dim);
    if ((int)r.size() > capacity) throw std::runtime_error("chunk produced more pieces than expected");
    for (size_t i = 0; i < r.size(); i++) out[i] = vt::wrap(r[i]);
    return (int32_t)r.size();
  })
}
VT_API int32_t vt_split_with_sizes(vt_tensor t, const int64_t* sizes, int n, int64_t dim, vt_tensor* out) {
  VT_STATUS({
    auto r = at::split_with_sizes(*t, vt::dims(sizes, n), dim);
    for (size_t i = 0; i < r.size(); i++) out[i] = vt::wrap(r[i]);
  })
}
VT_API vt_tensor vt_einsum(const char* eq, vt_tensor* ts, int n) { VT_TENSOR(at::einsum(eq, vt::list(ts, n))) }
VT_API vt_tensor vt_pad(vt_tensor t, const int64_t* p, int n, double value) {
  VT_TENSOR(at::constant_pad_nd(*t, vt::dims(p, n), value))
}
VT_API int32_t vt_allclose(vt_tensor a, vt_tensor b, double rtol, double atol) {
  VT_GUARD(-1, { return at::allclose(*a, *b, rtol, atol) ? 1 : 0; })
}
VT_API int32_t vt_equal(vt_tensor a, vt_tensor b) { VT_GUARD(-1, { return at::equal(*a, *b) ? 1 : 0; }) }
