/**
 * What the SimSiam, BYOL and MoCo v3 tests share: a parameter-free encoder (so
 * the heads and the loss can be compared with PyTorch alone) and one training
 * step against the `siamese` goldens (tools/goldens/g_siamese.py): loss, input
 * and weight gradients, the weights after an SGD step and the target after the
 * momentum update.
 */
import assert from 'node:assert/strict';
import { torch, methods } from '../../src/index.js';
import { Module } from '../../src/nn/index.js';
import { assertClose, golden, goldenState } from '../helpers.js';

/** An "encoder" that only flattens: x [N, d, 1, 1] → [N, d]. */
export class Flat extends Module {
  readonly featureDim: number;
  constructor(d: number) {
    super();
    this.featureDim = d;
  }
  forward(x: torch.Tensor): torch.Tensor {
    return x.flatten(1);
  }
}

/** The goldens' shapes: 5 images of 6 "pixels", heads 6 → 8 → 4 and 4 → 8 → 4. */
export const HEADS = { head: { layers: 2, hiddenDim: 8, outDim: 4 }, predictor: { layers: 2, hiddenDim: 8, outDim: 4 } };
/** The goldens' step: k = 5 of K = 10, so τ = 1 − (1 − 0.9)(cos(π/2) + 1)/2 = 0.95 for a base momentum of 0.9. */
export const INFO: methods.StepInfo = { step: 5, totalSteps: 10, stepsPerEpoch: 10, epoch: 0.5 };

/** Loads golden `name`'s weights into `model` (float64), takes one SGD step (lr 0.1) and checks everything against PyTorch. */
export function checkGoldenStep(model: methods.PredictorMethod, name: string): methods.TrainingStep {
  const g = golden('siamese');
  model.to({ dtype: 'float64' });
  model.head.loadStateDict(goldenState('siamese', `${name}.head`));
  model.predictor.loadStateDict(goldenState('siamese', `${name}.predictor`));
  const momentum = model instanceof methods.MomentumMethod ? model : null;
  if (momentum) momentum.targetHead.loadStateDict(goldenState('siamese', `${name}.target`));
  const a = g(`${name}.a`).reshape([5, 6, 1, 1]).requiresGrad_();
  const b = g(`${name}.b`).reshape([5, 6, 1, 1]).requiresGrad_();
  const opt = new torch.optim.SGD(model.trainableParameters(), { lr: 0.1 });
  const r = model.trainingStep([a, b], INFO);
  r.loss.backward();
  assertClose(r.loss, g(`${name}.loss`), { atol: 1e-10, msg: 'loss' });
  assertClose(a.grad!.flatten(1), g(`${name}.grad_a`), { atol: 1e-10, msg: 'gradient of view 1' });
  assertClose(b.grad!.flatten(1), g(`${name}.grad_b`), { atol: 1e-10, msg: 'gradient of view 2' });
  assertClose(model.head.parameters()[0].grad!, g(`${name}.grad_head_w0`), { atol: 1e-10, msg: 'projector 0.linear.weight gradient' });
  assertClose(new Map(model.predictor.namedParameters()).get('1.linear.weight')!.grad!, g(`${name}.grad_pred_w1`), {
    atol: 1e-10,
    msg: 'predictor 1.linear.weight gradient',
  });
  opt.step();
  model.afterStep(INFO);
  const after = goldenState('siamese', `${name}.head_after`);
  for (const [k, t] of Object.entries(model.head.stateDict()))
    assertClose(t, after[k], { atol: 1e-10, msg: `projector ${k} after the step` });
  if (momentum) {
    assert.ok(Math.abs(r.logs!.momentum - g(`${name}.tau`).item()) < 1e-12, `logged τ ${r.logs!.momentum}`);
    const target = goldenState('siamese', `${name}.target_after`);
    for (const [k, t] of Object.entries(momentum.targetHead.stateDict()))
      assertClose(t, target[k], { atol: 1e-10, msg: `target ${k} after the momentum update` });
  }
  return r;
}
