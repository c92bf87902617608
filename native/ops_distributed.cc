// Op table: libtorch's c10d process group (Gloo over a TCPStore rendezvous) as the
// process's one default group, as PyTorch's torch.distributed keeps it; blocking
// collectives; and two differentiable collectives as autograd Functions (the
// semantics of torch.distributed.nn.functional.all_gather / all_reduce).
//
// Built only where gloo's headers were found (SS_WITH_GLOO, set by scripts/libtorch.mjs);
// otherwise distBackends() is empty and the TypeScript side explains how to get them.
#include "core.h"

#ifdef SS_WITH_GLOO
#define USE_C10D_GLOO  // libtorch's own build flag, which guards ProcessGroupGloo.hpp
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdio>
#endif

namespace ss {

#ifdef SS_WITH_GLOO
namespace {

using at::Tensor;
using c10d::ReduceOp;
using Millis = std::chrono::milliseconds;

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  int64_t rank = 0;
  int64_t size = 0;
  int64_t timeoutMs = 0;
};

Group& group() {
  static Group g;
  return g;
}

Group& live() {
  auto& g = group();
  if (!g.pg) throw ArgError("the default process group is not initialized: call torch.distributed.initProcessGroup() first");
  return g;
}

std::string seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(ms) / 1000.0);
  return buf;
}

// Runs one collective to completion on the calling thread. Gloo enforces the group's
// timeout on every send and receive, and a peer that exits closes its sockets, so a
// waiting rank always returns: with the result, or with an error naming this rank.
template <typename Start>
void run(const char* what, Start&& start) {
  auto& g = live();
  std::string reason;
  try {
    start(*g.pg)->wait();
    return;
  } catch (const c10::Error& e) {
    reason = e.what_without_backtrace();
  } catch (const std::exception& e) {
    reason = e.what();
  }
  throw ArgError(std::string(what) + "rank " + std::to_string(g.rank) + " of " + std::to_string(g.size) +
                 " failed: " + reason + " (timeout " + seconds(g.timeoutMs) + ")");
}

ReduceOp::RedOpType reduceOp(const std::string& op) {
  if (op == "sum" || op == "avg") return ReduceOp::SUM;  // Gloo has no AVG: sum, then divide
  if (op == "product") return ReduceOp::PRODUCT;
  if (op == "max") return ReduceOp::MAX;
  if (op == "min") return ReduceOp::MIN;
  throw ArgError("unknown reduce op " + op + "; expected sum, avg, product, max or min");
}

void allReduce(const Tensor& t, const std::string& op, const char* what = "") {
  std::vector<Tensor> ts{t};
  c10d::AllreduceOptions o;
  o.reduceOp = reduceOp(op);
  run(what, [&](c10d::ProcessGroupGloo& pg) { return pg.allreduce(ts, o); });
  if (op == "avg") ts[0].div_(group().size);
}

std::vector<Tensor> allGather(const Tensor& t) {
  std::vector<Tensor> in{t.contiguous()};
  std::vector<std::vector<Tensor>> out(1);
  for (int64_t r = 0; r < group().size; ++r) out[0].push_back(at::empty_like(in[0]));
  run("", [&](c10d::ProcessGroupGloo& pg) { return pg.allgather(out, in); });
  return out[0];
}

// Reduce-scatter from an all-to-all (Gloo in libtorch 1.13 has no reduce_scatter):
// rank r receives every rank's inputs[r] and reduces them locally, in rank order.
Tensor reduceScatter(const std::vector<Tensor>& inputs, const std::string& op, const char* what = "") {
  auto& g = live();
  if (static_cast<int64_t>(inputs.size()) != g.size)
    throw ArgError("expected " + std::to_string(g.size) + " inputs (one per rank) but received " +
                   std::to_string(inputs.size()));
  Tensor send = at::stack(inputs, 0).contiguous();  // [W, …]
  Tensor recv = at::empty_like(send);               // [W, …]: row k is rank k's inputs[rank]
  std::vector<int64_t> counts;
  run(what, [&](c10d::ProcessGroupGloo& pg) { return pg.alltoall_base(recv, send, counts, counts); });
  auto dtype = recv.scalar_type();
  if (op == "sum") return recv.sum(0, false, dtype);
  if (op == "avg") return recv.sum(0, false, dtype).div_(g.size);
  if (op == "product") return recv.prod(0, false, dtype);
  if (op == "max") return recv.amax(0);
  if (op == "min") return recv.amin(0);
  throw ArgError("unknown reduce op " + op + "; expected sum, avg, product, max or min");
}

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// all_gather with gradient: forward concatenates every rank's [N, …] into [W·N, …];
// backward gives each rank the sum over ranks of the gradient of its own slice.
struct AllGatherFn : torch::autograd::Function<AllGatherFn> {
  static Tensor forward(AutogradContext*, const Tensor& x) { return at::cat(allGather(x), 0); }
  static variable_list backward(AutogradContext*, variable_list g) {
    auto slices = g[0].chunk(group().size, 0);  // W × [N, …]
    return {reduceScatter(slices, "sum", "allGatherWithGrad backward: ")};
  }
};

// all_reduce(sum) with gradient: the gradient is itself summed over ranks.
struct AllReduceSumFn : torch::autograd::Function<AllReduceSumFn> {
  static Tensor forward(AutogradContext*, const Tensor& x) {
    Tensor y = x.clone(at::MemoryFormat::Contiguous);
    allReduce(y, "sum");
    return y;
  }
  static variable_list backward(AutogradContext*, variable_list g) {
    Tensor d = g[0].clone(at::MemoryFormat::Contiguous);
    allReduce(d, "sum", "allReduceWithGrad backward: ");
    return {d};
  }
};

}  // namespace

void registerDistributed() {
  def("distBackends", +[]() { return std::vector<std::string>{"gloo"}; });
  def("distIsInitialized", +[]() { return static_cast<bool>(group().pg); });
  def("distRank", +[]() { return live().rank; });
  def("distWorldSize", +[]() { return live().size; });
  // distInit(host, port, rank, worldSize, timeoutMs, ifname, hostname): rank 0 serves the
  // TCPStore at host:port; every rank connects to it and Gloo's rendezvous runs through it.
  // The Gloo device binds to the interface `ifname`, else the address of `hostname`, else
  // the address this machine's hostname resolves to (Gloo's default device).
  def("distInit", +[](std::string host, int64_t port, int64_t rank, int64_t size, int64_t timeoutMs,
                      c10::optional<std::string> ifname, c10::optional<std::string> hostname) {
    auto& g = group();
    if (g.pg) throw ArgError("the default process group is already initialized: call destroyProcessGroup() first");
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(port);
    so.isServer = rank == 0;
    so.numWorkers = static_cast<size_t>(size);
    so.waitWorkers = false;  // the process group's rendezvous below waits for every rank
    so.timeout = Millis(timeoutMs);
    auto store = c10::make_intrusive<c10d::TCPStore>(host, so);
    auto opts = c10d::ProcessGroupGloo::Options::create(Millis(timeoutMs));
    opts->devices.push_back(ifname     ? c10d::ProcessGroupGloo::createDeviceForInterface(*ifname)
                            : hostname ? c10d::ProcessGroupGloo::createDeviceForHostname(*hostname)
                                       : c10d::ProcessGroupGloo::createDefaultDevice());
    g.pg = c10::make_intrusive<c10d::ProcessGroupGloo>(store, static_cast<int>(rank), static_cast<int>(size), opts);
    g.store = store;
    g.rank = rank;
    g.size = size;
    g.timeoutMs = timeoutMs;
  });
  def("distDestroy", +[]() {
    auto& g = group();
    g.pg.reset();
    g.store.reset();
    g.size = 0;
  });
  def("allReduce", +[](const Tensor& t, std::string op) { allReduce(t, op); });
  def("allGather", +[](const Tensor& t) { return allGather(t); });
  def("broadcast", +[](const Tensor& t, int64_t src) {
    std::vector<Tensor> ts{t};
    c10d::BroadcastOptions o;
    o.rootRank = src;
    run("", [&](c10d::ProcessGroupGloo& pg) { return pg.broadcast(ts, o); });
  });
  def("reduceScatter", +[](const Tensor& out, std::vector<Tensor> inputs, std::string op) {
    Tensor r = reduceScatter(inputs, op);
    const_cast<Tensor&>(out).copy_(r);
  });
  def("barrier", +[]() { run("", [](c10d::ProcessGroupGloo& pg) { return pg.barrier(); }); });
  def("allGatherWithGrad", +[](const Tensor& t) { return AllGatherFn::apply(t); });
  def("allReduceSumWithGrad", +[](const Tensor& t) { return AllReduceSumFn::apply(t); });
}
#else
void registerDistributed() {
  def("distBackends", +[]() { return std::vector<std::string>{}; });
  def("distIsInitialized", +[]() { return false; });
}
#endif

}  // namespace ss
