// Op table: fused optimizer updates. One call updates every parameter of a group,
// reading gradients natively, so an optimizer step costs one boundary crossing per
// group instead of ~10 per parameter. The math is PyTorch's single-tensor Adam.
#include "core.h"

namespace ss {

using at::Tensor;
using Tensors = std::vector<Tensor>;

void registerOptim() {
  def("hasGrad", +[](const Tensor& p) { return p.grad().defined(); });
  // Adam / AdamW over one parameter group (Kingma & Ba 2015; Loshchilov & Hutter 2019):
  // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; v̂ = max(v̂, v) (AMSGrad, when vmax is given) or v;
  // p ← p − lr/(1−β₁ᵗ) · m / (√v̂/√(1−β₂ᵗ) + ε). Weight decay: decoupled p ← p(1 − lr·λ), else g ← g + λp.
  def("adamStep", +[](Tensors ps, Tensors m, Tensors v, Tensors vmax, std::vector<int64_t> steps, double lr, double b1,
                      double b2, double eps, double wd, bool decoupled) {
    if (m.size() != ps.size() || v.size() != ps.size() || steps.size() != ps.size() || (!vmax.empty() && vmax.size() != ps.size()))
      throw ArgError("state lists must have one entry per parameter");
    at::NoGradGuard noGrad;
    for (size_t i = 0; i < ps.size(); ++i) {
      Tensor& p = ps[i];
      Tensor grad = p.grad();
      if (!grad.defined()) continue;
      if (wd != 0) {
        if (decoupled) p.mul_(1 - lr * wd);
        else grad = grad.add(p, wd);
      }
      m[i].mul_(b1).add_(grad, 1 - b1);
      v[i].mul_(b2).addcmul_(grad, grad, 1 - b2);
      if (!vmax.empty()) at::maximum_out(vmax[i], vmax[i], v[i]);
      const Tensor& second = vmax.empty() ? v[i] : vmax[i];
      const double step = static_cast<double>(steps[i]);
      Tensor denom = second.sqrt().div_(std::sqrt(1 - std::pow(b2, step))).add_(eps);
      p.addcdiv_(m[i], denom, -lr / (1 - std::pow(b1, step)));
    }
  });
}

}  // namespace ss
