// Op table: shapes, views, joining and indexing.
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using Tensors = std::vector<Tensor>;

void registerShape() {
  def("reshape", +[](const Tensor& t, Dims s) { return at::reshape(t, s); });
  def("view", +[](const Tensor& t, Dims s) { return t.view(s); });
  def("viewDtype", +[](const Tensor& t, at::ScalarType d) { return t.view(d); });
  def("permute", +[](const Tensor& t, Dims d) { return t.permute(d); });
  def("transpose", +[](const Tensor& t, int64_t a, int64_t b) { return t.transpose(a, b); });
  def("t", +[](const Tensor& t) { return t.t(); });
  def("squeeze", +[](const Tensor& t, c10::optional<int64_t> d) { return d ? t.squeeze(*d) : t.squeeze(); });
  def("unsqueeze", +[](const Tensor& t, int64_t d) { return t.unsqueeze(d); });
  def("flatten", +[](const Tensor& t, int64_t a, int64_t b) { return t.flatten(a, b); });
  def("unflatten", +[](const Tensor& t, int64_t d, Dims s) { return t.unflatten(d, s); });
  def("expand", +[](const Tensor& t, Dims s) { return t.expand(s); });
  def("broadcastTo", +[](const Tensor& t, Dims s) { return at::broadcast_to(t, s); });
  def("repeat", +[](const Tensor& t, Dims s) { return t.repeat(s); });
  def("repeatInterleave", +[](const Tensor& t, int64_t r, c10::optional<int64_t> d) {
    return at::repeat_interleave(t, r, d);
  });
  def("repeatInterleaveTensor", +[](const Tensor& t, const Tensor& r, c10::optional<int64_t> d) {
    return at::repeat_interleave(t, r, d);
  });
  def("cat", +[](Tensors ts, int64_t d) { return at::cat(ts, d); });
  def("stack", +[](Tensors ts, int64_t d) { return at::stack(ts, d); });
  def("split", +[](const Tensor& t, int64_t size, int64_t d) { return at::split(t, size, d); });
  def("splitSizes", +[](const Tensor& t, Dims sizes, int64_t d) { return at::split_with_sizes(t, sizes, d); });
  def("chunk", +[](const Tensor& t, int64_t n, int64_t d) { return at::chunk(t, n, d); });
  def("unbind", +[](const Tensor& t, int64_t d) { return at::unbind(t, d); });
  def("narrow", +[](const Tensor& t, int64_t d, int64_t start, int64_t len) { return t.narrow(d, start, len); });
  def("select", +[](const Tensor& t, int64_t d, int64_t i) { return t.select(d, i); });
  def("slice", +[](const Tensor& t, int64_t d, c10::optional<int64_t> start, c10::optional<int64_t> end, int64_t step) {
    return t.slice(d, start, end, step);
  });
  def("indexSelect", +[](const Tensor& t, int64_t d, const Tensor& i) { return at::index_select(t, d, i); });
  def("index", +[](const Tensor& t, std::vector<c10::optional<Tensor>> idx) {
    c10::List<c10::optional<Tensor>> list;
    for (auto& i : idx) list.push_back(i);
    return at::index(t, list);
  });
  def("indexPut_", +[](const Tensor& t, std::vector<c10::optional<Tensor>> idx, const Tensor& v, bool acc) {
    c10::List<c10::optional<Tensor>> list;
    for (auto& i : idx) list.push_back(i);
    const_cast<Tensor&>(t).index_put_(list, v, acc);
  });
  def("gather", +[](const Tensor& t, int64_t d, const Tensor& i) { return at::gather(t, d, i); });
  def("scatter", +[](const Tensor& t, int64_t d, const Tensor& i, const Tensor& src) { return at::scatter(t, d, i, src); });
  def("scatterValue", +[](const Tensor& t, int64_t d, const Tensor& i, Scalar v) { return at::scatter(t, d, i, v); });
  def("scatterAdd", +[](const Tensor& t, int64_t d, const Tensor& i, const Tensor& src) {
    return at::scatter_add(t, d, i, src);
  });
  def("scatterReduce", +[](const Tensor& t, int64_t d, const Tensor& i, const Tensor& src, std::string reduce, bool self) {
    return at::scatter_reduce(t, d, i, src, reduce, self);
  });
  def("indexAdd", +[](const Tensor& t, int64_t d, const Tensor& i, const Tensor& src) { return at::index_add(t, d, i, src); });
  def("maskedFill", +[](const Tensor& t, const Tensor& m, Scalar v) { return at::masked_fill(t, m, v); });
  def("maskedSelect", +[](const Tensor& t, const Tensor& m) { return at::masked_select(t, m); });
  def("nonzero", +[](const Tensor& t) { return at::nonzero(t); });
  def("flip", +[](const Tensor& t, Dims d) { return at::flip(t, d); });
  def("roll", +[](const Tensor& t, Dims shifts, Dims d) { return at::roll(t, shifts, d); });
  def("tril", +[](const Tensor& t, int64_t k) { return at::tril(t, k); });
  def("triu", +[](const Tensor& t, int64_t k) { return at::triu(t, k); });
  def("diag", +[](const Tensor& t, int64_t k) { return at::diag(t, k); });
  def("diagonal", +[](const Tensor& t, int64_t off, int64_t a, int64_t b) { return at::diagonal(t, off, a, b); });
  def("movedim", +[](const Tensor& t, Dims src, Dims dst) { return at::movedim(t, src, dst); });
  def("meshgrid", +[](Tensors ts, std::string indexing) { return at::meshgrid(ts, indexing); });
  def("unfoldDim", +[](const Tensor& t, int64_t d, int64_t size, int64_t step) { return t.unfold(d, size, step); });
}

}  // namespace ss
