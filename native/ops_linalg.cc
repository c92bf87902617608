// Op table: matrix products, torch.linalg, sorting and torch.fft.
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using OptT = c10::optional<Tensor>;
using OptI = c10::optional<int64_t>;
using OptB = c10::optional<bool>;
using OptD = c10::optional<double>;
using OptS = c10::optional<std::string>;
using OptDims = c10::optional<std::vector<int64_t>>;
using OptDtype = c10::optional<at::ScalarType>;
using OptDev = c10::optional<std::string>;

static c10::optional<c10::string_view> view(const OptS& s) {
  return s ? c10::optional<c10::string_view>(*s) : c10::nullopt;
}
static at::OptionalIntArrayRef dimsRef(const OptDims& d) {
  return d ? at::OptionalIntArrayRef(*d) : at::OptionalIntArrayRef();
}
static at::TensorOptions options(OptDtype dtype, const OptDev& device) {
  auto o = at::TensorOptions();
  if (dtype) o = o.dtype(*dtype);
  if (device) o = o.device(at::Device(*device));
  return o;
}

void registerLinalg() {
  // ---- products
  def("matmul", +[](const Tensor& a, const Tensor& b) { return at::matmul(a, b); });
  def("mm", +[](const Tensor& a, const Tensor& b) { return at::mm(a, b); });
  def("bmm", +[](const Tensor& a, const Tensor& b) { return at::bmm(a, b); });
  def("dot", +[](const Tensor& a, const Tensor& b) { return at::dot(a, b); });
  def("outer", +[](const Tensor& a, const Tensor& b) { return at::outer(a, b); });
  def("addmm", +[](const Tensor& c, const Tensor& a, const Tensor& b, Scalar beta, Scalar alpha) {
    return at::addmm(c, a, b, beta, alpha);
  });
  def("einsum", +[](std::string eq, std::vector<Tensor> ts) { return at::einsum(eq, ts); });
  def("cdist", +[](const Tensor& a, const Tensor& b, double p) { return at::cdist(a, b, p); });
  // ---- norms (`norm` is Tensor.norm from reduce.ts)
  def("norm", +[](const Tensor& t, Scalar p, OptDims dims, bool keep) {
    return dims ? at::norm(t, p, *dims, keep) : at::norm(t, p);
  });
  def("linalgNorm", +[](const Tensor& t, c10::optional<Scalar> ord, OptDims dims, bool keep) {
    return at::linalg_norm(t, ord, dimsRef(dims), keep, c10::nullopt);
  });
  def("linalgNormStr", +[](const Tensor& t, std::string ord, OptDims dims, bool keep) {
    return at::linalg_norm(t, ord, dimsRef(dims), keep, c10::nullopt);
  });
  def("vectorNorm", +[](const Tensor& t, Scalar ord, OptDims dims, bool keep) {
    return at::linalg_vector_norm(t, ord, dimsRef(dims), keep, c10::nullopt);
  });
  def("matrixNorm", +[](const Tensor& t, std::string ord, Dims dims, bool keep) {
    return at::linalg_matrix_norm(t, ord, dims, keep, c10::nullopt);
  });
  def("matrixNormScalar", +[](const Tensor& t, Scalar ord, Dims dims, bool keep) {
    return at::linalg_matrix_norm(t, ord, dims, keep, c10::nullopt);
  });
  // ---- decompositions and solvers
  def("svd", +[](const Tensor& a, bool full) { return at::linalg_svd(a, full); });
  def("svdvals", +[](const Tensor& a) { return at::linalg_svdvals(a); });
  def("qr", +[](const Tensor& a, std::string mode) { return at::linalg_qr(a, mode); });
  def("det", +[](const Tensor& a) { return at::linalg_det(a); });
  def("inv", +[](const Tensor& a) { return at::linalg_inv(a); });
  def("solve", +[](const Tensor& a, const Tensor& b, bool left) { return at::linalg_solve(a, b, left); });
  def("cholesky", +[](const Tensor& a, bool upper) { return at::linalg_cholesky(a, upper); });
  def("eigh", +[](const Tensor& a, std::string uplo) { return at::linalg_eigh(a, uplo); });
  def("pinv", +[](const Tensor& a, OptD atol, OptD rtol, bool hermitian) {
    return at::linalg_pinv(a, atol, rtol, hermitian);
  });
  // ---- sorting and searching
  def("sort", +[](const Tensor& t, int64_t d, bool desc, bool stable) { return at::sort(t, stable, d, desc); });
  def("argsort", +[](const Tensor& t, int64_t d, bool desc, bool stable) { return at::argsort(t, stable, d, desc); });
  def("topk", +[](const Tensor& t, int64_t k, int64_t d, bool largest, bool sorted) {
    return at::topk(t, k, d, largest, sorted);
  });
  def("kthvalue", +[](const Tensor& t, int64_t k, int64_t d, bool keep) { return at::kthvalue(t, k, d, keep); });
  def("median", +[](const Tensor& t) { return at::median(t); });
  def("medianDim", +[](const Tensor& t, int64_t d, bool keep) { return at::median(t, d, keep); });
  def("unique", +[](const Tensor& t, bool sorted, bool inverse, bool counts) {
    return at::_unique2(t, sorted, inverse, counts);
  });
  def("uniqueDim", +[](const Tensor& t, int64_t d, bool sorted, bool inverse, bool counts) {
    return at::unique_dim(t, d, sorted, inverse, counts);
  });
  def("bincount", +[](const Tensor& t, OptT w, int64_t minlength) { return at::bincount(t, w, minlength); });
  // ---- fft: norm is null, "forward", "backward" or "ortho".
  def("fft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_fft(t, n, d, view(norm)); });
  def("ifft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_ifft(t, n, d, view(norm)); });
  def("rfft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_rfft(t, n, d, view(norm)); });
  def("irfft", +[](const Tensor& t, OptI n, int64_t d, OptS norm) { return at::fft_irfft(t, n, d, view(norm)); });
  def("fft2", +[](const Tensor& t, OptDims s, Dims d, OptS norm) { return at::fft_fft2(t, dimsRef(s), d, view(norm)); });
  def("ifft2", +[](const Tensor& t, OptDims s, Dims d, OptS norm) { return at::fft_ifft2(t, dimsRef(s), d, view(norm)); });
  def("fftfreq", +[](int64_t n, double d, OptDtype dt, OptDev dev) { return at::fft_fftfreq(n, d, options(dt, dev)); });
  def("rfftfreq", +[](int64_t n, double d, OptDtype dt, OptDev dev) { return at::fft_rfftfreq(n, d, options(dt, dev)); });
  // ---- short-time transforms (libtorch 1.13 has the `center` overload of stft)
  def("stft", +[](const Tensor& x, int64_t nfft, int64_t hop, int64_t win, OptT window, bool center, std::string padMode,
                  bool normalized, OptB onesided) {
    return at::stft(x, nfft, hop, win, window, center, padMode, normalized, onesided, true);
  });
  def("istft", +[](const Tensor& x, int64_t nfft, int64_t hop, int64_t win, OptT window, bool center, bool normalized,
                   OptB onesided, OptI length) {
    return at::istft(x, nfft, hop, win, window, center, normalized, onesided, length, false);
  });
  def("hannWindow", +[](int64_t n, bool periodic, OptDtype dt, OptDev dev) { return at::hann_window(n, periodic, options(dt, dev)); });
  def("hammingWindow", +[](int64_t n, bool periodic, OptDtype dt, OptDev dev) {
    return at::hamming_window(n, periodic, options(dt, dev));
  });
  def("blackmanWindow", +[](int64_t n, bool periodic, OptDtype dt, OptDev dev) {
    return at::blackman_window(n, periodic, options(dt, dev));
  });
}

}  // namespace ss
