// Op table: neural-network functional ops (torch.nn.functional).
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using OptT = c10::optional<Tensor>;
using OptD = c10::optional<double>;

void registerNN() {
  def("linear", +[](const Tensor& x, const Tensor& w, OptT b) { return at::linear(x, w, b); });
  def("conv1d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims d, int64_t g) {
    return at::conv1d(x, w, b, s, p, d, g);
  });
  def("conv2d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims d, int64_t g) {
    return at::conv2d(x, w, b, s, p, d, g);
  });
  def("convSame", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, std::string pad, Dims d, int64_t g) {
    return x.dim() == 3 ? at::conv1d(x, w, b, s, pad, d, g) : at::conv2d(x, w, b, s, pad, d, g);
  });
  def("convTranspose2d", +[](const Tensor& x, const Tensor& w, OptT b, Dims s, Dims p, Dims op, int64_t g, Dims d) {
    return at::conv_transpose2d(x, w, b, s, p, op, g, d);
  });
  def("maxPool1d", +[](const Tensor& x, Dims k, Dims s, Dims p, Dims d, bool ceil) {
    return at::max_pool1d(x, k, s, p, d, ceil);
  });
  def("maxPool2d", +[](const Tensor& x, Dims k, Dims s, Dims p, Dims d, bool ceil) {
    return at::max_pool2d(x, k, s, p, d, ceil);
  });
  def("maxPool2dWithIndices", +[](const Tensor& x, Dims k, Dims s, Dims p, Dims d, bool ceil) {
    return at::max_pool2d_with_indices(x, k, s, p, d, ceil);
  });
  def("avgPool1d", +[](const Tensor& x, Dims k, Dims s, Dims p, bool ceil, bool countPad) {
    return at::avg_pool1d(x, k, s, p, ceil, countPad);
  });
  def("avgPool2d", +[](const Tensor& x, Dims k, Dims s, Dims p, bool ceil, bool countPad, c10::optional<int64_t> div) {
    return at::avg_pool2d(x, k, s, p, ceil, countPad, div);
  });
  def("adaptiveAvgPool1d", +[](const Tensor& x, Dims o) { return at::adaptive_avg_pool1d(x, o); });
  def("adaptiveAvgPool2d", +[](const Tensor& x, Dims o) { return at::adaptive_avg_pool2d(x, o); });
  def("adaptiveMaxPool1d", +[](const Tensor& x, Dims o) { return std::get<0>(at::adaptive_max_pool1d(x, o)); });
  def("adaptiveMaxPool2d", +[](const Tensor& x, Dims o) { return std::get<0>(at::adaptive_max_pool2d(x, o)); });
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
  def("dropout", +[](const Tensor& x, double p, bool train) { return at::dropout(x, p, train); });
  def("relu", +[](const Tensor& x) { return at::relu(x); });
  def("relu6", +[](const Tensor& x) { return at::hardtanh(x, 0, 6); });
  def("gelu", +[](const Tensor& x, std::string approx) { return at::gelu(x, approx); });
  def("silu", +[](const Tensor& x) { return at::silu(x); });
  def("mish", +[](const Tensor& x) { return at::mish(x); });
  def("elu", +[](const Tensor& x, Scalar alpha) { return at::elu(x, alpha); });
  def("hardswish", +[](const Tensor& x) { return at::hardswish(x); });
  def("hardsigmoid", +[](const Tensor& x) { return at::hardsigmoid(x); });
  def("hardtanh", +[](const Tensor& x, Scalar lo, Scalar hi) { return at::hardtanh(x, lo, hi); });
  def("softplus", +[](const Tensor& x, Scalar beta, Scalar threshold) { return at::softplus(x, beta, threshold); });
  def("leakyRelu", +[](const Tensor& x, Scalar slope) { return at::leaky_relu(x, slope); });
  def("logSigmoid", +[](const Tensor& x) { return at::log_sigmoid(x); });
  def("softmax", +[](const Tensor& x, int64_t d, c10::optional<at::ScalarType> dt) { return at::softmax(x, d, dt); });
  def("logSoftmax", +[](const Tensor& x, int64_t d, c10::optional<at::ScalarType> dt) { return at::log_softmax(x, d, dt); });
  // Losses: reduction is 0 none, 1 mean, 2 sum (at::Reduction).
  def("crossEntropy", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red, int64_t ignore, double smooth) {
    return at::cross_entropy_loss(x, y, w, red, ignore, smooth);
  });
  def("nllLoss", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red, int64_t ignore) {
    return at::nll_loss_nd(x, y, w, red, ignore);
  });
  def("mseLoss", +[](const Tensor& a, const Tensor& b, int64_t red) { return at::mse_loss(a, b, red); });
  def("l1Loss", +[](const Tensor& a, const Tensor& b, int64_t red) { return at::l1_loss(a, b, red); });
  def("smoothL1Loss", +[](const Tensor& a, const Tensor& b, int64_t red, double beta) {
    return at::smooth_l1_loss(a, b, red, beta);
  });
  def("huberLoss", +[](const Tensor& a, const Tensor& b, int64_t red, double delta) { return at::huber_loss(a, b, red, delta); });
  def("binaryCrossEntropy", +[](const Tensor& x, const Tensor& y, OptT w, int64_t red) {
    return at::binary_cross_entropy(x, y, w, red);
  });
  def("binaryCrossEntropyWithLogits", +[](const Tensor& x, const Tensor& y, OptT w, OptT pw, int64_t red) {
    return at::binary_cross_entropy_with_logits(x, y, w, pw, red);
  });
  def("klDiv", +[](const Tensor& x, const Tensor& y, int64_t red, bool logTarget) { return at::kl_div(x, y, red, logTarget); });
  def("cosineSimilarity", +[](const Tensor& a, const Tensor& b, int64_t d, double eps) {
    return at::cosine_similarity(a, b, d, eps);
  });
  def("constantPad", +[](const Tensor& x, Dims pad, Scalar v) { return at::constant_pad_nd(x, pad, v); });
  def("reflectionPad1d", +[](const Tensor& x, Dims pad) { return at::reflection_pad1d(x, pad); });
  def("reflectionPad2d", +[](const Tensor& x, Dims pad) { return at::reflection_pad2d(x, pad); });
  def("replicationPad1d", +[](const Tensor& x, Dims pad) { return at::replication_pad1d(x, pad); });
  def("replicationPad2d", +[](const Tensor& x, Dims pad) { return at::replication_pad2d(x, pad); });
  def("upsampleNearest1d", +[](const Tensor& x, Dims size, OptD s) { return at::upsample_nearest1d(x, size, s); });
  def("upsampleNearest2d", +[](const Tensor& x, Dims size, OptD sh, OptD sw) {
    return at::upsample_nearest2d(x, size, sh, sw);
  });
  def("upsampleLinear1d", +[](const Tensor& x, Dims size, bool ac, OptD s) { return at::upsample_linear1d(x, size, ac, s); });
  def("upsampleBilinear2d", +[](const Tensor& x, Dims size, bool ac, OptD sh, OptD sw) {
    return at::upsample_bilinear2d(x, size, ac, sh, sw);
  });
  def("upsampleBicubic2d", +[](const Tensor& x, Dims size, bool ac, OptD sh, OptD sw) {
    return at::upsample_bicubic2d(x, size, ac, sh, sw);
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
}

}  // namespace ss
