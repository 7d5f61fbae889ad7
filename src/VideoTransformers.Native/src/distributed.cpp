// Data-parallel communication over libtorch's own c10d: a TCPStore for rendezvous and ProcessGroupGloo for
// collectives. Built only where the Gloo headers exist (Debian: libgloo-dev); elsewhere the exports report that
// distributed training is unavailable.
#include "shim.h"

#ifdef VT_HAVE_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace {
struct Group {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  std::chrono::milliseconds timeout;
};

void wait(const c10::intrusive_ptr<c10d::Work>& work, const Group& g, const char* what) {
  if (!work->wait(g.timeout)) throw std::runtime_error(std::string(what) + " timed out");
}
}  // namespace

VT_API int32_t vt_dist_available() { return 1; }

// Joins a process group of `world` ranks; rank 0 hosts the TCPStore at host:port. Every blocking call gives up
// after timeout_ms, so that a dead peer turns into an error instead of a hang.
VT_API void* vt_dist_init(const char* host, int32_t port, int32_t rank, int32_t world, int32_t timeout_ms) {
  VT_GUARD(nullptr, {
    if (rank < 0 || rank >= world) throw std::invalid_argument("rank " + std::to_string(rank) + " is outside world size " + std::to_string(world));
    auto g = std::make_unique<Group>();
    g->timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions so;
    so.port = (uint16_t)port;
    so.isServer = rank == 0;
    so.numWorkers = world;
    so.waitWorkers = true;
    so.timeout = g->timeout;
    g->store = c10::make_intrusive<c10d::TCPStore>(std::string(host), so);
    auto opts = c10d::ProcessGroupGloo::Options::create(g->timeout);
    std::string h(host);
    bool loopback = h == "127.0.0.1" || h == "localhost" || h == "::1";
    opts->devices.push_back(loopback ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                     : c10d::ProcessGroupGloo::createDefaultDevice());
    opts->threads = 1;
    g->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, world, opts);
    return g.release();
  })
}

VT_API void vt_dist_destroy(void* h) { delete static_cast<Group*>(h); }

// Sums the tensors in place across ranks (one collective for the whole list).
VT_API int32_t vt_dist_allreduce(void* h, vt_tensor* ts, int n) {
  VT_STATUS({
    auto& g = *static_cast<Group*>(h);
    auto tensors = vt::list(ts, n);
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp::SUM;
    o.timeout = g.timeout;
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      wait(g.pg->allreduce(one, o), g, "allreduce");
    }
  })
}

VT_API int32_t vt_dist_broadcast(void* h, vt_tensor* ts, int n, int32_t root) {
  VT_STATUS({
    auto& g = *static_cast<Group*>(h);
    c10d::BroadcastOptions o;
    o.rootRank = root;
    o.timeout = g.timeout;
    for (auto t : vt::list(ts, n)) {
      std::vector<at::Tensor> one{t};
      wait(g.pg->broadcast(one, o), g, "broadcast");
    }
  })
}

VT_API int32_t vt_dist_barrier(void* h) {
  VT_STATUS({
    auto& g = *static_cast<Group*>(h);
    c10d::BarrierOptions o;
    o.timeout = g.timeout;
    wait(g.pg->barrier(o), g, "barrier");
  })
}

#else

VT_API int32_t vt_dist_available() { return 0; }
VT_API void* vt_dist_init(const char*, int32_t, int32_t, int32_t, int32_t) {
  vt::set_error("distributed training is not available: the native shim was built without c10d Gloo (install libgloo-dev and rebuild)");
  return nullptr;
}
VT_API void vt_dist_destroy(void*) {}
VT_API int32_t vt_dist_allreduce(void*, vt_tensor*, int) { vt::set_error("distributed training is not available"); return -1; }
VT_API int32_t vt_dist_broadcast(void*, vt_tensor*, int, int32_t) { vt::set_error("distributed training is not available"); return -1; }
VT_API int32_t vt_dist_barrier(void*) { vt::set_error("distributed training is not available"); return -1; }

#endif
