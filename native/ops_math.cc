// Op table: elementwise math, comparisons, reductions and in-place updates.
#include "core.h"

namespace ss {

using at::Scalar;
using at::Tensor;
using Dims = std::vector<int64_t>;
using OptDims = c10::optional<std::vector<int64_t>>;
using OptDtype = c10::optional<at::ScalarType>;

// Unary elementwise ops share one signature; a macro keeps the table to one line each.
#define UNARY(name, expr) def(name, +[](const Tensor& t) { return expr; })

void registerMath() {
  // ---- binary arithmetic (tensor ⊕ tensor, tensor ⊕ scalar)
  def("add", +[](const Tensor& a, const Tensor& b, Scalar alpha) { return at::add(a, b, alpha); });
  def("addScalar", +[](const Tensor& a, Scalar b, Scalar alpha) { return at::add(a, b, alpha); });
  def("sub", +[](const Tensor& a, const Tensor& b, Scalar alpha) { return at::sub(a, b, alpha); });
  def("subScalar", +[](const Tensor& a, Scalar b, Scalar alpha) { return at::sub(a, b, alpha); });
  def("rsubScalar", +[](const Tensor& a, Scalar b) { return at::rsub(a, b); });
  def("mul", +[](const Tensor& a, const Tensor& b) { return at::mul(a, b); });
  def("mulScalar", +[](const Tensor& a, Scalar b) { return at::mul(a, b); });
  def("div", +[](const Tensor& a, const Tensor& b, c10::optional<std::string> mode) {
    return mode ? at::div(a, b, *mode) : at::div(a, b);
  });
  def("divScalar", +[](const Tensor& a, Scalar b, c10::optional<std::string> mode) {
    return mode ? at::div(a, b, *mode) : at::div(a, b);
  });
  def("rdivScalar", +[](const Tensor& a, Scalar b) { return at::mul(at::reciprocal(a), b); });
  def("remainder", +[](const Tensor& a, const Tensor& b) { return at::remainder(a, b); });
  def("remainderScalar", +[](const Tensor& a, Scalar b) { return at::remainder(a, b); });
  def("pow", +[](const Tensor& a, const Tensor& b) { return at::pow(a, b); });
  def("powScalar", +[](const Tensor& a, Scalar b) { return at::pow(a, b); });
  def("rpowScalar", +[](Scalar a, const Tensor& b) { return at::pow(a, b); });
  def("atan2", +[](const Tensor& a, const Tensor& b) { return at::atan2(a, b); });
  def("maximum", +[](const Tensor& a, const Tensor& b) { return at::maximum(a, b); });
  def("minimum", +[](const Tensor& a, const Tensor& b) { return at::minimum(a, b); });
  def("clamp", +[](const Tensor& a, c10::optional<Scalar> lo, c10::optional<Scalar> hi) { return at::clamp(a, lo, hi); });
  def("clampTensor", +[](const Tensor& a, c10::optional<Tensor> lo, c10::optional<Tensor> hi) {
    return at::clamp(a, lo, hi);
  });
  def("lerp", +[](const Tensor& a, const Tensor& b, const Tensor& w) { return at::lerp(a, b, w); });
  def("where", +[](const Tensor& c, const Tensor& a, const Tensor& b) { return at::where(c, a, b); });
  // Scalar branches promote as PyTorch's torch.where(cond, 2.5, 0) does (float32 [2.5, 0]).
  def("whereScalarSelf", +[](const Tensor& c, Scalar a, const Tensor& b) { return at::where(c, a, b); });
  def("whereScalarOther", +[](const Tensor& c, const Tensor& a, Scalar b) { return at::where(c, a, b); });
  def("whereScalar", +[](const Tensor& c, Scalar a, Scalar b) { return at::where(c, a, b); });

  // ---- unary
  UNARY("neg", at::neg(t));
  UNARY("abs", at::abs(t));
  UNARY("sign", at::sign(t));
  UNARY("exp", at::exp(t));
  UNARY("expm1", at::expm1(t));
  UNARY("log", at::log(t));
  UNARY("log1p", at::log1p(t));
  UNARY("log2", at::log2(t));
  UNARY("log10", at::log10(t));
  UNARY("sqrt", at::sqrt(t));
  UNARY("rsqrt", at::rsqrt(t));
  UNARY("reciprocal", at::reciprocal(t));
  UNARY("sin", at::sin(t));
  UNARY("cos", at::cos(t));
  UNARY("tan", at::tan(t));
  UNARY("asin", at::asin(t));
  UNARY("acos", at::acos(t));
  UNARY("atan", at::atan(t));
  UNARY("sinh", at::sinh(t));
  UNARY("cosh", at::cosh(t));
  UNARY("tanh", at::tanh(t));
  UNARY("sigmoid", at::sigmoid(t));
  UNARY("erf", at::erf(t));
  UNARY("erfinv", at::erfinv(t));
  UNARY("floor", at::floor(t));
  UNARY("ceil", at::ceil(t));
  UNARY("round", at::round(t));
  UNARY("trunc", at::trunc(t));
  UNARY("frac", at::frac(t));
  UNARY("square", at::square(t));
  UNARY("isnan", at::isnan(t));
  UNARY("isinf", at::isinf(t));
  UNARY("isfinite", at::isfinite(t));
  UNARY("logicalNot", at::logical_not(t));
  UNARY("real", at::real(t));
  UNARY("imag", at::imag(t));
  UNARY("angle", at::angle(t));
  UNARY("viewAsReal", at::view_as_real(t));
  UNARY("viewAsComplex", at::view_as_complex(t));
  def("complex", +[](const Tensor& re, const Tensor& im) { return at::complex(re, im); });
  def("nanToNum", +[](const Tensor& t, double nan, c10::optional<double> pos, c10::optional<double> negv) {
    return at::nan_to_num(t, nan, pos, negv);
  });

  // ---- comparisons and logic
  def("eq", +[](const Tensor& a, const Tensor& b) { return at::eq(a, b); });
  def("ne", +[](const Tensor& a, const Tensor& b) { return at::ne(a, b); });
  def("lt", +[](const Tensor& a, const Tensor& b) { return at::lt(a, b); });
  def("le", +[](const Tensor& a, const Tensor& b) { return at::le(a, b); });
  def("gt", +[](const Tensor& a, const Tensor& b) { return at::gt(a, b); });
  def("ge", +[](const Tensor& a, const Tensor& b) { return at::ge(a, b); });
  def("eqScalar", +[](const Tensor& a, Scalar b) { return at::eq(a, b); });
  def("neScalar", +[](const Tensor& a, Scalar b) { return at::ne(a, b); });
  def("ltScalar", +[](const Tensor& a, Scalar b) { return at::lt(a, b); });
  def("leScalar", +[](const Tensor& a, Scalar b) { return at::le(a, b); });
  def("gtScalar", +[](const Tensor& a, Scalar b) { return at::gt(a, b); });
  def("geScalar", +[](const Tensor& a, Scalar b) { return at::ge(a, b); });
  def("logicalAnd", +[](const Tensor& a, const Tensor& b) { return at::logical_and(a, b); });
  def("logicalOr", +[](const Tensor& a, const Tensor& b) { return at::logical_or(a, b); });
  def("logicalXor", +[](const Tensor& a, const Tensor& b) { return at::logical_xor(a, b); });
  def("allclose", +[](const Tensor& a, const Tensor& b, double rtol, double atol, bool nanEq) {
    return at::allclose(a, b, rtol, atol, nanEq);
  });
  def("equal", +[](const Tensor& a, const Tensor& b) { return at::equal(a, b); });

  // ---- reductions (dims = null means all dims)
  def("sum", +[](const Tensor& t, OptDims dims, bool keep, OptDtype dt) {
    return dims ? at::sum(t, *dims, keep, dt) : at::sum(t, dt);
  });
  def("mean", +[](const Tensor& t, OptDims dims, bool keep, OptDtype dt) {
    return dims ? at::mean(t, *dims, keep, dt) : at::mean(t, dt);
  });
  def("prod", +[](const Tensor& t, c10::optional<int64_t> dim, bool keep, OptDtype dt) {
    return dim ? at::prod(t, *dim, keep, dt) : at::prod(t, dt);
  });
  def("var", +[](const Tensor& t, OptDims dims, int64_t correction, bool keep) {
    return at::var(t, at::OptionalIntArrayRef(dims ? at::IntArrayRef(*dims) : at::OptionalIntArrayRef()),
                   c10::optional<int64_t>(correction), keep);
  });
  def("std", +[](const Tensor& t, OptDims dims, int64_t correction, bool keep) {
    return at::std(t, at::OptionalIntArrayRef(dims ? at::IntArrayRef(*dims) : at::OptionalIntArrayRef()),
                   c10::optional<int64_t>(correction), keep);
  });
  def("varMean", +[](const Tensor& t, OptDims dims, int64_t correction, bool keep) {
    return at::var_mean(t, at::OptionalIntArrayRef(dims ? at::IntArrayRef(*dims) : at::OptionalIntArrayRef()),
                        c10::optional<int64_t>(correction), keep);
  });
  def("amax", +[](const Tensor& t, Dims dims, bool keep) { return at::amax(t, dims, keep); });
  def("amin", +[](const Tensor& t, Dims dims, bool keep) { return at::amin(t, dims, keep); });
  def("maxAll", +[](const Tensor& t) { return at::max(t); });
  def("minAll", +[](const Tensor& t) { return at::min(t); });
  def("maxDim", +[](const Tensor& t, int64_t dim, bool keep) { return at::max(t, dim, keep); });
  def("minDim", +[](const Tensor& t, int64_t dim, bool keep) { return at::min(t, dim, keep); });
  def("argmax", +[](const Tensor& t, c10::optional<int64_t> dim, bool keep) { return at::argmax(t, dim, keep); });
  def("argmin", +[](const Tensor& t, c10::optional<int64_t> dim, bool keep) { return at::argmin(t, dim, keep); });
  def("logsumexp", +[](const Tensor& t, Dims dims, bool keep) { return at::logsumexp(t, dims, keep); });
  def("cumsum", +[](const Tensor& t, int64_t dim, OptDtype dt) { return at::cumsum(t, dim, dt); });
  def("cumprod", +[](const Tensor& t, int64_t dim, OptDtype dt) { return at::cumprod(t, dim, dt); });
  def("all", +[](const Tensor& t, c10::optional<int64_t> dim, bool keep) { return dim ? at::all(t, *dim, keep) : at::all(t); });
  def("any", +[](const Tensor& t, c10::optional<int64_t> dim, bool keep) { return dim ? at::any(t, *dim, keep) : at::any(t); });
  def("countNonzero", +[](const Tensor& t, OptDims dims) {
    return dims ? at::count_nonzero(t, *dims) : at::count_nonzero(t);
  });

  // ---- in-place updates (optimizers); the JS side returns the same Tensor object
  def("add_", +[](const Tensor& a, const Tensor& b, Scalar alpha) { a.add_(b, alpha); });
  def("addScalar_", +[](const Tensor& a, Scalar b) { a.add_(b); });
  def("sub_", +[](const Tensor& a, const Tensor& b, Scalar alpha) { a.sub_(b, alpha); });
  def("mul_", +[](const Tensor& a, const Tensor& b) { a.mul_(b); });
  def("mulScalar_", +[](const Tensor& a, Scalar b) { a.mul_(b); });
  def("div_", +[](const Tensor& a, const Tensor& b) { a.div_(b); });
  def("divScalar_", +[](const Tensor& a, Scalar b) { a.div_(b); });
  def("addcmul_", +[](const Tensor& a, const Tensor& b, const Tensor& c, Scalar v) { a.addcmul_(b, c, v); });
  def("addcdiv_", +[](const Tensor& a, const Tensor& b, const Tensor& c, Scalar v) { a.addcdiv_(b, c, v); });
  def("lerp_", +[](const Tensor& a, const Tensor& b, Scalar w) { a.lerp_(b, w); });
  def("copy_", +[](const Tensor& a, const Tensor& b) { a.copy_(b); });
  def("zero_", +[](const Tensor& a) { a.zero_(); });
  def("fill_", +[](const Tensor& a, Scalar v) { a.fill_(v); });
  def("clamp_", +[](const Tensor& a, c10::optional<Scalar> lo, c10::optional<Scalar> hi) { a.clamp_(lo, hi); });
  def("sqrt_", +[](const Tensor& a) { a.sqrt_(); });
  def("neg_", +[](const Tensor& a) { a.neg_(); });
  def("relu_", +[](const Tensor& a) { a.relu_(); });
  def("maskedFill_", +[](const Tensor& a, const Tensor& m, Scalar v) { a.masked_fill_(m, v); });
}

}  // namespace ss
