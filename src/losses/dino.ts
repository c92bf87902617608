/**
 * DINO's loss (Caron et al., 2021, "Emerging Properties in Self-Supervised
 * Vision Transformers", §3.1 eqs. 1–4 and Algorithm 1). The teacher's outputs
 * on the global views are centred and sharpened into targets, the student's
 * outputs on every view are softened, and each student view is trained to match
 * the teacher's distribution of every other view:
 *
 *   Pₜ = softmax((t − c)/τₜ),  log Pₛ = log_softmax(s/τₛ),  H(t, s) = batch mean of −Σₖ Pₜ log Pₛ
 *   L = mean over pairs (teacher view a, student view b ≠ a) of H(t_a, s_b)     (eq. 3)
 *
 * Student views 0 … T−1 must be the same crops as the T teacher views (the two
 * global crops), the others the local crops. Eq. 3 sums the pairs; Algorithm 1
 * (H(t₁, s₂)/2 + H(t₂, s₁)/2) and the reference code average them, as here.
 * The teacher and the centre are constants (stop-gradient): the functions detach them.
 */
import * as torch from '../torch/index.js';
import * as F from '../torch/functional/index.js';
import { describe } from '../torch/check.js';
import { checkPositive, checkSameMatrices, checkTensor } from './checks.js';

type Tensor = torch.Tensor;

/** Outputs are [N, K]: K the head's output dimension. */
const logits = { dims: '[N, K]' };

export interface DinoLossOptions {
  /** τₛ, the student's softmax temperature. Default 0.1, the paper's setting. */
  studentTemp?: number;
  /** τₜ, the teacher's temperature for this epoch (see dinoTeacherTemp). */
  teacherTemp: number;
}

export interface DinoTeacherTempOptions {
  /** τₜ at epoch 0. Default 0.04. */
  warmup?: number;
  /** τₜ from epoch warmupEpochs − 1 on. Default 0.07. */
  final?: number;
  /** Length of the linear warm-up in epochs (the paper uses 30; 0 means no warm-up). */
  warmupEpochs: number;
}

/** Checks a non-empty array of views [N, K] of one shape; returns [N, K]. */
function checkViews(fn: string, name: string, views: unknown): [number, number] {
  if (!Array.isArray(views) || views.length === 0)
    throw new TypeError(`${fn}: expected a non-empty array of tensors [N, K] for ${name} but received ${describe(views)}`);
  return checkSameMatrices(
    fn,
    views.map((v, i) => [`${name}[${i}]`, v]),
    logits,
  );
}

/** Checks a centre [1, K]. */
function checkCenter(fn: string, center: unknown, k: number): void {
  checkTensor(fn, 'center', center);
  if (center.ndim !== 2 || center.shape[0] !== 1 || center.shape[1] !== k)
    throw new RangeError(`${fn}: expected center of shape [1, ${k}] (K of the outputs) but received [${center.shape}]`);
}

/**
 * The teacher's targets Pₜ = softmax((t − c)/τₜ): centred (against collapse to one
 * dimension) and sharpened (against collapse to the uniform distribution), §3.1.
 * t: teacher outputs [N, K]; center: [1, K] → probabilities [N, K], detached.
 */
export function dinoTeacherProbs(t: Tensor, center: Tensor, teacherTemp: number): Tensor {
  const [, k] = checkSameMatrices('dinoTeacherProbs', [['t', t]], logits);
  checkCenter('dinoTeacherProbs', center, k);
  const tau = checkPositive('dinoTeacherProbs', 'teacherTemp', teacherTemp);
  return torch.noGrad(() => torch.scope(() => F.softmax(t.sub(center).div(tau), 1)));
}

/**
 * H(Pₜ, Pₛ) of eq. 2: the batch mean of −Σₖ Pₜ,ₖ log softmax(s/τₛ)ₖ.
 * probs: teacher targets [N, K] (no gradient); s: student outputs [N, K] → a scalar.
 */
export function dinoCrossEntropy(probs: Tensor, s: Tensor, studentTemp: number): Tensor {
  checkSameMatrices(
    'dinoCrossEntropy',
    [
      ['probs', probs],
      ['s', s],
    ],
    logits,
  );
  const tau = checkPositive('dinoCrossEntropy', 'studentTemp', studentTemp);
  return torch.scope(() => F.logSoftmax(s.div(tau), 1).mul(probs.detach()).sum(1).mean().neg());
}

/**
 * The multi-crop DINO loss of eq. 3, averaged over the pairs. studentOut: the
 * student's outputs on V ≥ 2 views, each [N, K] (global views first);
 * teacherOut: the teacher's outputs on the 1 ≤ T ≤ V global views, each [N, K]
 * (no gradient); center: [1, K] (no gradient) → a scalar.
 */
export function dinoLoss(studentOut: Tensor[], teacherOut: Tensor[], center: Tensor, o: DinoLossOptions): Tensor {
  const fn = 'dinoLoss';
  const [n, k] = checkViews(fn, 'studentOut', studentOut);
  const [tn, tk] = checkViews(fn, 'teacherOut', teacherOut);
  if (tn !== n || tk !== k)
    throw new RangeError(`${fn}: expected teacherOut[0] of the shape of studentOut[0] [${n},${k}] but received [${tn},${tk}]`);
  if (teacherOut.length > studentOut.length || studentOut.length < 2)
    throw new RangeError(
      `${fn}: expected at least 2 student views and no more teacher views than student views but received ${studentOut.length} and ${teacherOut.length}`,
    );
  checkCenter(fn, center, k);
  const studentTemp = checkPositive(fn, 'studentTemp', o?.studentTemp ?? 0.1);
  const teacherTemp = checkPositive(fn, 'teacherTemp', o?.teacherTemp);
  return torch.scope(() => {
    const terms: Tensor[] = [];
    teacherOut.forEach((t, a) => {
      const probs = dinoTeacherProbs(t, center, teacherTemp); // [N, K]
      studentOut.forEach((s, b) => {
        if (b !== a) terms.push(dinoCrossEntropy(probs, s, studentTemp));
      });
    });
    return torch.stack(terms).mean();
  });
}

/**
 * The centre's EMA of eq. 4 and Algorithm 1: m·c + (1 − m)·(mean of the teacher's
 * outputs over all its views and samples). center: [1, K]; teacherOut: T views
 * [N, K]; momentum m in [0, 1] (default 0.9) → the new centre [1, K], detached.
 * The inputs are left unchanged. `meanOverRanks` turns this process's batch
 * centre into the global batch's (data-parallel: the mean over ranks, as the
 * reference code's all_reduce / world size).
 */
export function dinoCenterUpdate(center: Tensor, teacherOut: Tensor[], momentum = 0.9, meanOverRanks = (c: Tensor): Tensor => c): Tensor {
  const fn = 'dinoCenterUpdate';
  const [, k] = checkViews(fn, 'teacherOut', teacherOut);
  checkCenter(fn, center, k);
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1))
    throw new RangeError(`${fn}: expected a number in [0, 1] for momentum but received ${describe(momentum)}`);
  return torch.noGrad(() =>
    torch.scope(() => {
      const batchCenter = meanOverRanks(torch.cat(teacherOut).mean(0, true)); // [1, K]
      return center.mul(momentum).add(batchCenter.mul(1 - momentum));
    }),
  );
}

/**
 * τₜ for an epoch: linear from `warmup` at epoch 0 to `final` at epoch
 * warmupEpochs − 1, then `final` (the reference code's
 * linspace(warmup, final, warmupEpochs) followed by the constant). epoch: an integer ≥ 0.
 */
export function dinoTeacherTemp(epoch: number, o: DinoTeacherTempOptions): number {
  const fn = 'dinoTeacherTemp';
  const { warmup = 0.04, final = 0.07, warmupEpochs } = o ?? ({} as DinoTeacherTempOptions);
  for (const [name, v] of [
    ['epoch', epoch],
    ['warmupEpochs', warmupEpochs],
  ] as const)
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`${fn}: expected an integer >= 0 for ${name} but received ${describe(v)}`);
  checkPositive(fn, 'warmup', warmup);
  checkPositive(fn, 'final', final);
  if (epoch >= warmupEpochs) return final;
  return warmupEpochs === 1 ? warmup : warmup + ((final - warmup) * epoch) / (warmupEpochs - 1);
}
