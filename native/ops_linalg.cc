// Op table: matrix products, torch.linalg, sorting and torch.fft.
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using OptT = c10::optional<Tensor>;
using OptI = c10::optional<int64_t>;
using OptS = c10::optional<std::string>;
using OptDims = c10::optional<std::vector<int64_t>>;

static c10::optional<c10::string_view> view(const OptS& s) {
  return s ? c10::optional<c10::string_view>(*s) : c10::nullopt;
}

void registerLinalg() {
  def("matmul", +[](const Tensor& a, const Tensor& b) { return at::matmul(a, b); });
  def("mm", +[](const Tensor& a, const Tensor& b) { return at::mm(a, b); });
  def("bmm", +[](const Tensor& a, const Tensor& b) { return at::bmm(a, b); });
  def("dot", +[](const Tensor& a, const Tensor& b) { return at::dot(a, b); });
  def("outer", +[](const Tensor& a, const Tensor& b) { return at::outer(a, b); });
  def("addmm", +[](const Tensor& c, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha) {
    return at::addmm(c, a, b, beta, alpha);
  });
  def("einsum", +[](std::string eq, std::vector<Tensor> ts) { return at::einsum(eq, ts); });
  def("norm", +[](const Tensor& t, Scalar p, OptDims dims, bool keep) {
    return dims ? at::norm(t, p, *dims, keep) : at::norm(t, p);
  });
  def("vectorNorm", +[](const Tensor& t, Scalar ord, OptDims dims, bool keep) {
    return at::linalg_vector_norm(t, ord, dims ? at::OptionalIntArrayRef(*dims) : at::OptionalIntArrayRef(), keep, c10::nullopt);
  });
  def("matrixNorm", +[](const Tensor& t, std::string ord, Dims dims, bool keep) {
    return at::linalg_matrix_norm(t, ord, dims, keep, c10::nullopt);
  });
  def("matrixNormScalar", +[](const Tensor& t, Scalar ord, Dims dims, bool keep) {
    return at::linalg_matrix_norm(t, ord, dims, keep, c10::nullopt);
  });
  def("svd", +[](const Tensor& a, bool full) { return at::linalg_svd(a, full); });
  def("svdvals", +[](const Tensor& a) { return at::linalg_svdvals(a); });
  def("qr", +[](const Tensor& a, std::string mode) { return at::linalg_qr(a, mode); });
  def("det", +[](const Tensor& a) { return at::linalg_det(a); });
  def("inv", +[](const Tensor& a) { return at::linalg_inv(a); });
  def("solve", +[](const Tensor& a, const Tensor& b) { return at::linalg_solve(a, b); });
  def("cholesky", +[](const Tensor& a) { return at::linalg_cholesky(a); });
  def("eigh", +[](const Tensor& a, std::string uplo) { return at::linalg_eigh(a, uplo); });
  def("pinv", +[](const Tensor& a) { return at::linalg_pinv(a); });
  def("sort", +[](const Tensor& t, int64_t d, bool desc, bool stable) { return at::sort(t, stable, d, desc); });
  def("argsort", +[](const Tensor& t, int64_t d, bool desc) { return at::argsort(t, d, desc); });
  def("topk", +[](const Tensor& t, int64_t k, int64_t d, bool largest, bool sorted) {
    return at::topk(t, k, d, largest, sorted);
  });
  def("kthvalue", +[](const Tensor& t, int64_t k, int64_t d, bool keep) { return at::kthvalue(t, k, d, keep); });
  def("median", +[](const Tensor& t) { return at::median(t); });
  def("unique", +[](const Tensor& t, bool sorted, bool inverse, bool counts) {
    return at::_unique2(t, sorted, inverse, counts);
  });
  def("bincount", +[](const Tensor& t, OptT w, int64_t minlength) { return at::bincount(t, w, minlength); });
  def("cdist", +[](const Tensor& a, const Tensor& b, double p) { return at::cdist(a, b, p); });
  // fft: norm is null, "forward", "backward" or "ortho".
  def("fft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_fft(t, n, d, view(norm)); });
  def("ifft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_ifft(t, n, d, view(norm)); });
  def("rfft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_rfft(t, n, d, view(norm)); });
  def("irfft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_irfft(t, n, d, view(norm)); });
  def("fft2", +[](const Tensor& t, OptS norm) { return at::fft_fft2(t, c10::nullopt, {-2, -1}, view(norm)); });
  def("rfftfreq", +[](int64_t n, double d) { return at::fft_rfftfreq(n, d); });
  def("stft", +[](const Tensor& x, int64_t nfft, int64_t hop, int64_t win, OptT window, bool normalized, bool onesided) {
    return at::stft(x, nfft, hop, win, window, normalized, onesided, true);
  });
  def("istft", +[](const Tensor& x, int64_t nfft, int64_t hop, int64_t win, OptT window, bool center, bool normalized,
                   bool onesided, OptI length) {
    return at::istft(x, nfft, hop, win, window, center, normalized, onesided, length, false);
  });
  def("hannWindow", +[](int64_t n, bool periodic) { return at::hann_window(n, periodic); });
  def("hammingWindow", +[](int64_t n, bool periodic) { return at::hamming_window(n, periodic); });
  def("blackmanWindow", +[](int64_t n, bool periodic) { return at::blackman_window(n, periodic); });
}

}  // namespace ss
