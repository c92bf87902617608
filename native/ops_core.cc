// Op table: creation, data in/out, metadata, devices, autograd and RNG.
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/version.h>
#include <torch/cuda.h>

#include "core.h"

namespace ss {

using at::Tensor;
using Shape = std::vector<int64_t>;
using OptDtype = c10::optional<at::ScalarType>;
using OptGen = c10::optional<at::Generator>;

static at::TensorOptions opts(OptDtype dtype, const std::string& device) {
  auto o = at::TensorOptions().device(at::Device(device));
  if (dtype) o = o.dtype(*dtype);
  return o;
}

static at::Generator defaultGenerator() { return at::detail::getDefaultCPUGenerator(); }

void registerCore() {
  // ---- metadata
  def("shape", +[](const Tensor& t) { return t.sizes().vec(); });
  def("strides", +[](const Tensor& t) { return t.strides().vec(); });
  def("dtype", +[](const Tensor& t) { return static_cast<int64_t>(t.scalar_type()); });
  def("device", +[](const Tensor& t) { return t.device().str(); });
  def("numel", +[](const Tensor& t) { return t.numel(); });
  def("dim", +[](const Tensor& t) { return t.dim(); });
  def("isContiguous", +[](const Tensor& t) { return t.is_contiguous(); });
  def("dataPtr", +[](const Tensor& t) { return static_cast<int64_t>(reinterpret_cast<uintptr_t>(t.data_ptr())); });
  def("liveTensors", +[]() { return static_cast<int64_t>(slots().live); });
  def("liveBytes", +[]() { return slots().liveBytes; });
  def("cudaIsAvailable", +[]() { return torch::cuda::is_available(); });
  def("cudaDeviceCount", +[]() { return static_cast<int64_t>(torch::cuda::device_count()); });
  def("version", +[]() { return std::string(TORCH_VERSION); });

  // ---- creation
  def("fromBytes", +[](Bytes b, at::ScalarType src, Shape shape, OptDtype dst, std::string device) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    size_t need = static_cast<size_t>(n) * at::elementSize(src);
    if (need != b.length)
      throw ArgError("data holds " + std::to_string(b.length) + " bytes but shape needs " + std::to_string(need));
    auto t = at::empty(shape, at::TensorOptions().dtype(src));
    if (need) std::memcpy(t.data_ptr(), b.data, need);
    return t.to(at::Device(device), dst.value_or(src));
  });
  def("toBytes", +[](const Tensor& t) {
    return TensorBytes{t.detach().to(at::kCPU).contiguous()};
  });
  def("item", +[](const Tensor& t) { return t.item().toDouble(); });
  def("zeros", +[](Shape s, OptDtype d, std::string dev) { return at::zeros(s, opts(d, dev)); });
  def("ones", +[](Shape s, OptDtype d, std::string dev) { return at::ones(s, opts(d, dev)); });
  def("empty", +[](Shape s, OptDtype d, std::string dev) { return at::empty(s, opts(d, dev)); });
  def("full", +[](Shape s, at::Scalar v, OptDtype d, std::string dev) { return at::full(s, v, opts(d, dev)); });
  def("arange", +[](at::Scalar a, at::Scalar b, at::Scalar step, OptDtype d, std::string dev) {
    return at::arange(a, b, step, opts(d, dev));
  });
  def("linspace", +[](at::Scalar a, at::Scalar b, int64_t n, OptDtype d, std::string dev) {
    return at::linspace(a, b, n, opts(d, dev));
  });
  def("eye", +[](int64_t n, int64_t m, OptDtype d, std::string dev) { return at::eye(n, m, opts(d, dev)); });
  def("rand", +[](Shape s, OptGen g, OptDtype d, std::string dev) { return at::rand(s, g, opts(d, dev)); });
  def("randn", +[](Shape s, OptGen g, OptDtype d, std::string dev) { return at::randn(s, g, opts(d, dev)); });
  def("randint", +[](int64_t lo, int64_t hi, Shape s, OptGen g, OptDtype d, std::string dev) {
    return at::randint(lo, hi, s, g, opts(d, dev));
  });
  def("randperm", +[](int64_t n, OptGen g, OptDtype d, std::string dev) { return at::randperm(n, g, opts(d, dev)); });
  def("uniform_", +[](const Tensor& t, double a, double b, OptGen g) { t.uniform_(a, b, g); });
  def("normal_", +[](const Tensor& t, double mean, double std, OptGen g) { t.normal_(mean, std, g); });
  def("bernoulli", +[](const Tensor& p, OptGen g) { return at::bernoulli(p, g); });
  def("multinomial", +[](const Tensor& p, int64_t n, bool replacement, OptGen g) {
    return at::multinomial(p, n, replacement, g);
  });

  // ---- conversion and copies
  def("to", +[](const Tensor& t, std::string dev, OptDtype d, bool copy) {
    return t.to(at::Device(dev), d.value_or(t.scalar_type()), false, copy);
  });
  def("clone", +[](const Tensor& t) { return t.clone(); });
  def("contiguous", +[](const Tensor& t) { return t.contiguous(); });
  def("alias", +[](const Tensor& t) { return Tensor(t); });

  // ---- autograd
  def("requiresGrad", +[](const Tensor& t) { return t.requires_grad(); });
  def("setRequiresGrad", +[](const Tensor& t, bool b) {
    // libtorch silently ignores `false` on a non-leaf (grad_fn keeps it requiring
    // grad); PyTorch's Python layer raises, and so do we.
    if (!b && !t.is_leaf())
      throw ArgError(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
          "subgraph that doesn't require differentiation use detach()");
    const_cast<Tensor&>(t).set_requires_grad(b);
  });
  def("grad", +[](const Tensor& t) { return t.grad(); });
  def("setGrad", +[](const Tensor& t, c10::optional<Tensor> g) {
    // The checks of PyTorch's `x.grad = g` setter: a mismatched gradient would
    // only fail (or silently broadcast) at the next accumulation.
    if (g) {
      if (g->is_same(t)) throw ArgError("cannot assign a tensor as its own gradient");
      if (g->scalar_type() != t.scalar_type())
        throw ArgError(std::string("assigned grad has dtype ") + c10::toString(g->scalar_type()) +
                       " but the tensor has dtype " + c10::toString(t.scalar_type()));
      if (g->device() != t.device())
        throw ArgError("assigned grad is on device " + g->device().str() + " but the tensor is on " + t.device().str());
      if (g->sizes() != t.sizes())
        throw ArgError("assigned grad has shape " + c10::str(g->sizes()) + " but the tensor has shape " +
                       c10::str(t.sizes()));
    }
    const_cast<Tensor&>(t).mutable_grad() = g.value_or(Tensor());
  });
  // Whether two handles hold the same tensor (not a view or a copy): `.grad` returns
  // its cached Tensor while the gradient is the same one.
  def("isSame", +[](const Tensor& a, const Tensor& b) { return a.is_same(b); });
  def("isLeaf", +[](const Tensor& t) { return t.is_leaf(); });
  def("gradFn", +[](const Tensor& t) { return t.grad_fn() ? t.grad_fn()->name() : std::string(); });
  def("retainGrad", +[](const Tensor& t) { t.retain_grad(); });
  def("retainsGrad", +[](const Tensor& t) { return t.retains_grad(); });
  def("detach", +[](const Tensor& t) { return t.detach(); });
  def("detach_", +[](const Tensor& t) { const_cast<Tensor&>(t).detach_(); });
  // retainGraph: null means "same as createGraph" (PyTorch's default).
  def("backward", +[](const Tensor& t, c10::optional<Tensor> g, c10::optional<bool> retain, bool create) {
    t.backward(g.value_or(Tensor()), retain, create);
  });
  def("autogradBackward", +[](std::vector<Tensor> outs, std::vector<c10::optional<Tensor>> gouts,
                              c10::optional<bool> retain, bool create, std::vector<Tensor> inputs) {
    if (outs.empty()) throw ArgError("expected at least one output tensor");
    if (!gouts.empty() && gouts.size() != outs.size())
      throw ArgError("got " + std::to_string(gouts.size()) + " gradients for " + std::to_string(outs.size()) + " outputs");
    std::vector<Tensor> g;
    for (auto& o : gouts) g.push_back(o.value_or(Tensor()));
    torch::autograd::backward(outs, g, retain, create, inputs);
  });
  def("autogradGrad", +[](std::vector<Tensor> outs, std::vector<Tensor> ins, std::vector<c10::optional<Tensor>> gouts,
                          c10::optional<bool> retain, bool create, bool allowUnused) {
    if (outs.empty()) throw ArgError("expected at least one output tensor");
    if (ins.empty()) throw ArgError("expected at least one input tensor");
    if (!gouts.empty() && gouts.size() != outs.size())
      throw ArgError("got " + std::to_string(gouts.size()) + " gradOutputs for " + std::to_string(outs.size()) + " outputs");
    std::vector<Tensor> g;
    for (auto& o : gouts) g.push_back(o.value_or(Tensor()));
    return torch::autograd::grad(outs, ins, g, retain, create, allowUnused);
  });
  def("setGradEnabled", +[](bool b) { at::GradMode::set_enabled(b); });
  def("isGradEnabled", +[]() { return at::GradMode::is_enabled(); });

  // ---- RNG
  def("manualSeed", +[](int64_t seed) { at::manual_seed(static_cast<uint64_t>(seed)); });
  def("newGenerator", +[](int64_t seed) {
    auto g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed));
    generators().push_back(g);
    return static_cast<int64_t>(generators().size() - 1);
  });
  def("freeGenerator", +[](int64_t h) {
    auto& g = generators();
    if (h >= 0 && h < static_cast<int64_t>(g.size())) g[h] = at::Generator();
  });
  def("generatorSeed", +[](OptGen g, int64_t seed) {
    auto gen = g.value_or(defaultGenerator());
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(static_cast<uint64_t>(seed));
  });
  def("generatorInitialSeed", +[](OptGen g) {
    auto gen = g.value_or(defaultGenerator());
    std::lock_guard<std::mutex> lock(gen.mutex());
    return static_cast<double>(gen.current_seed());
  });
  def("generatorGetState", +[](OptGen g) {
    auto gen = g.value_or(defaultGenerator());
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
  });
  def("generatorSetState", +[](OptGen g, const Tensor& state) {
    auto gen = g.value_or(defaultGenerator());
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  });
}

}  // namespace ss
