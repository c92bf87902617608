/**
 * SPICE's losses (Gfeller et al., 2020, "SPICE: Self-Supervised Pitch
 * Estimation", §III). Two slices of one CQT frame, shifted by k₁ and k₂ bins,
 * go through the encoder to pitches y₁, y₂ ∈ (0, 1); a pitch shift of one bin
 * moves y by σ = 1 / (Q · log₂(f_max / f_min)) (eq. 8), so
 *
 *   e_t = |(y₁ − y₂) − σ(k₁ − k₂)|                            eq. 6
 *   L_pitch = mean_t h(e_t),  h Huber with τ = 0.25σ           eqs. 7, 9
 *   L_recon = mean_t ‖x₁ − x̂₁‖² + ‖x₂ − x̂₂‖²                 eqs. 10–11
 *   L_conf  = mean_t |(1 − c₁) − e_t/σ|² + |(1 − c₂) − e_t/σ|²  eq. 14
 *
 * The confidence loss stops the gradient at e_t, so it trains the confidence
 * head only.
 */
import * as torch from '../torch/index.js';
import { isFloating } from '../torch/dtype.js';
import { fmt } from '../torch/functional/options.js';
import { checkPositive, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

/** The robust function h of eq. 7: Huber (the paper's), or the L1 / L2 of the Table III ablations. */
export type PitchLossKind = 'huber' | 'l1' | 'l2';
const KINDS: readonly PitchLossKind[] = ['huber', 'l1', 'l2'];

export interface SpicePitchLossOptions {
  /** σ of eq. 8: 1 / (bins per octave · log₂(f_max / f_min)), the pitch step of one CQT bin. */
  sigma: number;
  /** The Huber threshold τ. Default 0.25σ (§III-A). */
  tau?: number;
  /** The function h of eq. 7. Default 'huber'. */
  kind?: PitchLossKind;
}

/**
 * Checks named tensors of one shape `dims` ('[N]' or '[N, F]'), each against
 * the first, with N ≥ 1; `floating` names those that must hold floating point.
 */
function checkSame(fn: string, named: [string, unknown][], dims: string, floating: string[]): void {
  const rank = dims.split(',').length;
  for (const [name, t] of named) checkTensor(fn, name, t);
  const [[first, a], ...rest] = named as [string, Tensor][];
  if (a.ndim !== rank) throw new RangeError(`${fn}: expected ${first} as ${dims} but received ${fmt(a.shape)}`);
  if (a.shape[0] < 1) throw new RangeError(`${fn}: expected at least one sample but received ${first} of shape ${fmt(a.shape)}`);
  for (const [name, b] of rest)
    if (b.shape.join() !== a.shape.join())
      throw new RangeError(`${fn}: expected ${name} as ${dims} = ${fmt(a.shape)} like ${first} but received ${fmt(b.shape)}`);
  for (const [name, t] of named as [string, Tensor][])
    if (floating.includes(name) && !isFloating(t.dtype))
      throw new TypeError(`${fn}: expected ${name} of a floating-point dtype but received ${t.dtype}`);
}

/**
 * h(x) of eq. 7 elementwise on x ≥ 0: Huber x²/2 for x ≤ τ, τ²/2 + τ(x − τ)
 * beyond; L1 x; L2 x²/2 (the scaling of Huber's quadratic branch, so the L2
 * loss is Huber with τ → ∞).
 */
export function spiceRobust(x: Tensor, kind: PitchLossKind, tau: number): Tensor {
  if (kind === 'l1') return x;
  if (kind === 'l2') return x.square().div(2);
  const inner = x.clamp(null, tau); // min(x, τ)
  return inner.square().div(2).add(x.sub(inner).mul(tau));
}

/**
 * The pitch loss of eqs. 6–9. y1, y2: the pitches of the two slices [N];
 * k1, k2: their bin offsets [N] (integer or floating; no gradient). Returns the
 * scalar L_pitch = mean h(e) and the per-frame error e [N] (which carries the
 * gradient of y1, y2; `spiceConfidenceLoss` detaches it).
 */
export function spicePitchLoss(y1: Tensor, y2: Tensor, k1: Tensor, k2: Tensor, o: SpicePitchLossOptions): { loss: Tensor; error: Tensor } {
  const fn = 'spicePitchLoss';
  checkSame(
    fn,
    [
      ['y1', y1],
      ['y2', y2],
      ['k1', k1],
      ['k2', k2],
    ],
    '[N]',
    ['y1', 'y2'],
  );
  if (typeof o !== 'object' || o === null) throw new TypeError(`${fn}: expected options { sigma, tau?, kind? } but received ${String(o)}`);
  const sigma = checkPositive(fn, 'sigma', o.sigma);
  const tau = checkPositive(fn, 'tau', o.tau ?? 0.25 * sigma);
  const kind = o.kind ?? 'huber';
  if (!KINDS.includes(kind))
    throw new RangeError(`${fn}: expected kind ${KINDS.map((k) => `'${k}'`).join(', ')} but received ${JSON.stringify(kind)}`);
  return torch.scope(() => {
    const shift = k1.sub(k2).to(y1.dtype).mul(sigma); // [N], σ(k₁ − k₂)
    const error = y1.sub(y2).sub(shift).abs(); // [N], e_t of eq. 6
    return { loss: spiceRobust(error, kind, tau).mean(), error };
  });
}

/**
 * The reconstruction loss of eqs. 10–11: the batch mean of
 * ‖x₁ − x̂₁‖² + ‖x₂ − x̂₂‖², the squared L2 norms over the F bins of each slice.
 * x1, x1hat, x2, x2hat: [N, F] (the targets x get gradients too if they require them).
 */
export function spiceReconstructionLoss(x1: Tensor, x1hat: Tensor, x2: Tensor, x2hat: Tensor): Tensor {
  checkSame(
    'spiceReconstructionLoss',
    [
      ['x1', x1],
      ['x1hat', x1hat],
      ['x2', x2],
      ['x2hat', x2hat],
    ],
    '[N, F]',
    ['x1', 'x1hat', 'x2', 'x2hat'],
  );
  return torch.scope(() => {
    const sq = (x: Tensor, xhat: Tensor): Tensor => x.sub(xhat).square().sum(1); // [N]
    return sq(x1, x1hat).add(sq(x2, x2hat)).mean();
  });
}

/**
 * The confidence loss of eq. 14: the batch mean of |(1 − c₁) − e/σ|² +
 * |(1 − c₂) − e/σ|², which teaches c to predict 1 − e/σ (high confidence where
 * the pitch error is small). c1, c2: confidences in (0, 1) [N]; error: e of
 * `spicePitchLoss` [N], detached here (no gradient reaches the pitch path);
 * sigma: σ of eq. 8.
 */
export function spiceConfidenceLoss(c1: Tensor, c2: Tensor, error: Tensor, sigma: number): Tensor {
  const fn = 'spiceConfidenceLoss';
  checkSame(
    fn,
    [
      ['c1', c1],
      ['c2', c2],
      ['error', error],
    ],
    '[N]',
    ['c1', 'c2', 'error'],
  );
  const s = checkPositive(fn, 'sigma', sigma);
  return torch.scope(() => {
    const target = error.detach().div(s); // [N], e/σ
    const term = (c: Tensor): Tensor => c.neg().add(1).sub(target).square(); // [N]
    return term(c1).add(term(c2)).mean();
  });
}
