// Op table: neural-network functional ops (torch.nn.functional).
// Option parsing, defaults and friendly messages live in src/torch/functional;
// these lambdas map one call each onto libtorch.
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using OptT = c10::optional<Tensor>;
using OptD = c10::optional<double>;
using OptS = c10::optional<std::string>;
using Pair = std::vector<Tensor>;

namespace {
// Ops with an optional indices output return [values] or [values, indices].
Pair maybeIndices(std::tuple<Tensor, Tensor>&& r, bool withIndices) {
  if (withIndices) return {std::move(std::get<0>(r)), std::move(std::get<1>(r))};
  return {std::move(std::get<0>(r))};
}
// PyTorch's functional losses broadcast input against target (warning on mismatch).
std::vector<Tensor> bcast(const Tensor& a, const Tensor& b) { return at::broadcast_tensors({a, b}); }
}  // namespace

void registerNN() {
  def("linear", +[](const Tensor& x, const Tensor& w, OptT b) { return at::linear(x, w, b); });
  def("bilinear", +[](const Tensor& x1, const Tensor& x2, const Tensor& w, OptT b) { return at::bilinear(x1, x2, w, b); });
  // padMode "same" / "valid" replaces the numeric padding when given.
  def("conv1d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims d, int64_t g, OptS padMode) {
    return padMode ? at::conv1d(x, w, b, s, *padMode, d, g) : at::conv1d(x, w, b, s, p, d, g);
  });
  def("conv2d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims d, int64_t g, OptS padMode) {
    return padMode ? at::conv2d(x, w, b, s, *padMode, d, g) : at::conv2d(x, w, b, s, p, d, g);
  });
  def("convTranspose1d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims op, int64_t g, Dims d) {
    return at::conv_transpose1d(x, w, b, s, p, op, g, d);
  });
  def("convTranspose2d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims op, int64_t g, Dims d) {
    return at::conv_transpose2d(x, w, b, s, p, op, g, d);
  });

  // ------------------------------------------------------------ pooling
  def("maxPool1d", +[](const Tensor& x, Dims k, Dims s, Dims p, Dims d, bool ceil, bool withIndices) -> Pair {
    if (!withIndices) return {at::max_pool1d(x, k, s, p, d, ceil)};
    return maybeIndices(at::max_pool1d_with_indices(x, k, s, p, d, ceil), true);
  });
  def("maxPool2d", +[](const Tensor& x, Dims k, Dims s, Dims p, Dims d, bool ceil, bool withIndices) -> Pair {
    if (!withIndices) return {at::max_pool2d(x, k, s, p, d, ceil)};
    return maybeIndices(at::max_pool2d_with_indices(x, k, s, p, d, ceil), true);
  });
  def("avgPool1d", +[](const Tensor& x, Dims k, Dims s, Dims p, bool ceil, bool countPad) {
    return at::avg_pool1d(x, k, s, p, ceil, countPad);
  });
  def("avgPool2d", +[](const Tensor& x, Dims k, Dims s, Dims p, bool ceil, bool countPad, c10::optional<int64_t> div) {
    return at::avg_pool2d(x, k, s, p, ceil, countPad, div);
  });
  def("adaptiveAvgPool1d", +[](const Tensor& x, Dims o) { return at::adaptive_avg_pool1d(x, o); });
  def("adaptiveAvgPool2d", +[](const Tensor& x, Dims o) { return at::adaptive_avg_pool2d(x, o); });
  def("adaptiveMaxPool1d", +[](const Tensor& x, Dims o, bool withIndices) {
    return maybeIndices(at::adaptive_max_pool1d(x, o), withIndices);
  });
  def("adaptiveMaxPool2d", +[](const Tensor& x, Dims o, bool withIndices) {
    return maybeIndices(at::adaptive_max_pool2d(x, o), withIndices);
  });

  // ------------------------------------------------------------ normalization
  // In training, libtorch updates runningMean/runningVar in place (PyTorch semantics).
  def("batchNorm", +[](const Tensor& x, OptT w, OptT b, OptT rm, OptT rv, bool training, double momentum, double eps) {
    return at::batch_norm(x, w, b, rm, rv, training, momentum, eps, true);
  });
  def("layerNorm", +[](const Tensor& x, Dims shape, OptT w, OptT b, double eps) {
    return at::layer_norm(x, shape, w, b, eps);
  });
  def("groupNorm", +[](const Tensor& x, int64_t g, OptT w, OptT b, double eps) { return at::group_norm(x, g, w, b, eps); });
  def("embedding", +[](const Tensor& w, const Tensor& idx, int64_t pad, bool scale) {
    return at::embedding(w, idx, pad, scale, false);
  });
  // maxNorm: rescales the looked-up rows of `w` in place, outside autograd (PyTorch's behaviour).
  def("embeddingRenorm_", +[](const Tensor& w, const Tensor& idx, double maxNorm, double normType) {
    at::AutoGradMode off(false);
    Tensor wm = w;
    at::embedding_renorm_(wm, idx.contiguous(), maxNorm, normType);
  });
  def("dropout", +[](const Tensor& x, double p, bool train) { return at::dropout(x, p, train); });

  // ------------------------------------------------------------ activations
  def("relu", +[](const Tensor& x) { return at::relu(x); });
  def("relu6", +[](const Tensor& x) { return at::hardtanh(x, 0, 6); });
  def("gelu", +[](const Tensor& x, std::string approx) { return at::gelu(x, approx); });
  def("silu", +[](const Tensor& x) { return at::silu(x); });
  def("mish", +[](const Tensor& x) { return at::mish(x); });
  def("elu", +[](const Tensor& x, Scalar alpha) { return at::elu(x, alpha); });
  def("selu", +[](const Tensor& x) { return at::selu(x); });
  def("celu", +[](const Tensor& x, Scalar alpha) { return at::celu(x, alpha); });
  def("hardswish", +[](const Tensor& x) { return at::hardswish(x); });
  def("hardsigmoid", +[](const Tensor& x) { return at::hardsigmoid(x); });
  def("hardtanh", +[](const Tensor& x, Scalar lo, Scalar hi) { return at::hardtanh(x, lo, hi); });
  def("softplus", +[](const Tensor& x, Scalar beta, Scalar threshold) { return at::softplus(x, beta, threshold); });
  def("softsign", +[](const Tensor& x) { return x / (x.abs() + 1); });
  def("leakyRelu", +[](const Tensor& x, Scalar slope) { return at::leaky_relu(x, slope); });
  def("logSigmoid", +[](const Tensor& x) { return at::log_sigmoid(x); });
  def("glu", +[](const Tensor& x, int64_t d) { return at::glu(x, d); });
  def("softmax", +[](const Tensor& x, int64_t d, c10::optional<at::ScalarType> dt) { return at::softmax(x, d, dt); });
  def("logSoftmax", +[](const Tensor& x, int64_t d, c10::optional<at::ScalarType> dt) { return at::log_softmax(x, d, dt); });

  // ------------------------------------------------------------ losses
  // Reduction is 0 none, 1 mean, 2 sum (at::Reduction); klDiv adds 3 batchmean.
  // crossEntropy takes class indices (integer target) or probabilities (float target).
  def("crossEntropy", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red, int64_t ignore, double smooth) {
    return at::cross_entropy_loss(x, y, w, red, ignore, smooth);
  });
  def("nllLoss", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red, int64_t ignore) {
    return at::nll_loss_nd(x, y, w, red, ignore);
  });
  def("mseLoss", +[](const Tensor& a, const Tensor& b, int64_t red) {
    auto t = bcast(a, b);
    return at::mse_loss(t[0], t[1], red);
  });
  def("l1Loss", +[](const Tensor& a, const Tensor& b, int64_t red) {
    auto t = bcast(a, b);
    return at::l1_loss(t[0], t[1], red);
  });
  def("smoothL1Loss", +[](const Tensor& a, const Tensor& b, int64_t red, double beta) {
    auto t = bcast(a, b);
    return at::smooth_l1_loss(t[0], t[1], red, beta);
  });
  def("huberLoss", +[](const Tensor& a, const Tensor& b, int64_t red, double delta) {
    auto t = bcast(a, b);
    return at::huber_loss(t[0], t[1], red, delta);
  });
  def("binaryCrossEntropy", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red) {
    OptT we = w ? OptT(w->expand(y.sizes())) : c10::nullopt;
    return at::binary_cross_entropy(x, y, we, red);
  });
  def("binaryCrossEntropyWithLogits", +[](const Tensor& x, const Tensor& y, OptT w, OptT pw, int64_t red) {
    return at::binary_cross_entropy_with_logits(x, y, w, pw, red);
  });
  def("klDiv", +[](const Tensor& x, const Tensor& y, int64_t red, bool logTarget) {
    if (red != 3) return at::kl_div(x, y, red, logTarget);
    Tensor s = at::kl_div(x, y, at::Reduction::Sum, logTarget);
    return x.dim() == 0 ? s : s / x.size(0);
  });
  def("cosineSimilarity", +[](const Tensor& a, const Tensor& b, int64_t d, double eps) {
    return at::cosine_similarity(a, b, d, eps);
  });
  def("pairwiseDistance", +[](const Tensor& a, const Tensor& b, double p, double eps, bool keepdim) {
    return at::pairwise_distance(a, b, p, eps, keepdim);
  });
  // x / max(||x||_p over dim, eps)
  def("normalize", +[](const Tensor& x, Scalar p, int64_t d, double eps) {
    return x / at::norm(x, p, d, true).clamp_min(eps).expand_as(x);
  });

  // ------------------------------------------------------------ sampling
  // mode: constant | reflect | replicate | circular; value only for constant.
  def("pad", +[](const Tensor& x, Dims pad, std::string mode, OptD value) { return at::pad(x, pad, mode, value); });
  // Exactly one of size / scales is given; mode is checked against the rank in TypeScript.
  def("interpolate", +[](const Tensor& x, std::string mode, c10::optional<Dims> size, bool ac,
                         c10::optional<std::vector<double>> scales) {
    c10::optional<at::ArrayRef<double>> sc;
    if (scales) sc = at::ArrayRef<double>(*scales);
    at::OptionalIntArrayRef sz;
    if (size) sz = at::IntArrayRef(*size);
    int64_t d = x.dim();
    if (mode == "nearest") return d == 3 ? at::upsample_nearest1d(x, sz, sc) : at::upsample_nearest2d(x, sz, sc);
    if (mode == "nearest-exact")
      return d == 3 ? at::_upsample_nearest_exact1d(x, sz, sc) : at::_upsample_nearest_exact2d(x, sz, sc);
    if (mode == "linear") return at::upsample_linear1d(x, sz, ac, sc);
    if (mode == "bilinear") return at::upsample_bilinear2d(x, sz, ac, sc);
    if (mode == "bicubic") return at::upsample_bicubic2d(x, sz, ac, sc);
    throw ArgError("unknown mode " + mode);
  });
  // mode: 0 bilinear, 1 nearest, 2 bicubic; padding: 0 zeros, 1 border, 2 reflection.
  def("gridSample", +[](const Tensor& x, const Tensor& grid, int64_t mode, int64_t pad, bool ac) {
    return at::grid_sampler(x, grid, mode, pad, ac);
  });
  def("affineGrid", +[](const Tensor& theta, Dims size, bool ac) { return at::affine_grid_generator(theta, size, ac); });
  def("im2col", +[](const Tensor& x, Dims k, Dims d, Dims p, Dims s) { return at::im2col(x, k, d, p, s); });
  def("col2im", +[](const Tensor& x, Dims out, Dims k, Dims d, Dims p, Dims s) { return at::col2im(x, out, k, d, p, s); });
  def("oneHot", +[](const Tensor& t, int64_t n) { return at::one_hot(t, n); });
  def("pixelShuffle", +[](const Tensor& t, int64_t r) { return at::pixel_shuffle(t, r); });
  def("pixelUnshuffle", +[](const Tensor& t, int64_t r) { return at::pixel_unshuffle(t, r); });
}

}  // namespace ss
