// Op table: runtime settings (intra-op threads) and tensor identity helpers.
#include <ATen/Parallel.h>

#include "core.h"

namespace ss {

void registerRuntime() {
  def("setNumThreads", +[](int64_t n) { at::set_num_threads(static_cast<int>(n)); });
  def("getNumThreads", +[]() { return static_cast<int64_t>(at::get_num_threads()); });
  def("parallelInfo", +[]() { return at::get_parallel_info(); });
  // Replace a tensor's data (device/dtype/values) keeping its identity and autograd
  // leaf status, as PyTorch's `param.data = new`: optimizers keep their references.
  def("setData", +[](const at::Tensor& t, const at::Tensor& src) { const_cast<at::Tensor&>(t).set_data(src); });
}

}  // namespace ss
