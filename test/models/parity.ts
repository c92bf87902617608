/**
 * Parity with torchvision without shipping weights: the closed-form state dict and
 * input of tools/goldens/g_models.py (`formula`, `make_input`, `layout`), rebuilt in TS.
 */
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { torch } from '../../src/index.js';
import { golden } from '../helpers.js';

type Tensor = torch.Tensor;

export const g = golden('models');

/**
 * The k-th state-dict entry by g_models.py's formula (phase = 0.37·i + k, float64,
 * cast to the entry's dtype): conv/linear weights 2·sin/√fanIn, BN γ 1 + 0.1·sin,
 * biases and running means 0.1·sin, running variances 1 + 0.25·cos, counters k.
 */
function formula(key: string, k: number, t: Tensor): Tensor {
  if (key.endsWith('num_batches_tracked')) return torch.full(t.shape, k, { dtype: t.dtype });
  return torch.scope(() => {
    const n = t.numel();
    const phase = torch.arange(n, { dtype: 'float64' }).mul(0.37).add(k);
    let v: Tensor;
    if (key.endsWith('running_mean') || key.endsWith('bias')) v = phase.sin().mul(0.1);
    else if (key.endsWith('running_var')) v = phase.cos().mul(0.25).add(1);
    else if (t.dim() >= 2)
      v = phase
        .sin()
        .mul(2)
        .div(Math.sqrt(n / t.shape[0]));
    else v = phase.sin().mul(0.1).add(1);
    return v.to(t.dtype).reshape(t.shape);
  });
}

/** Loads the formula state dict into `model` (keys in its own stateDict order) and returns it. */
export function fillStateDict<M extends torch.nn.Module>(model: M): M {
  const state = Object.fromEntries(Object.entries(model.stateDict()).map(([key, t], k) => [key, formula(key, k, t)]));
  model.loadStateDict(state);
  for (const t of Object.values(state)) t.dispose();
  return model;
}

/** x[i] = sin(0.11·i) + 0.5·cos(0.037·i) over the flattened shape, float32. */
export function makeInput(shape: number[]): Tensor {
  return torch.scope(() => {
    const i = torch.arange(
      shape.reduce((a, b) => a * b, 1),
      { dtype: 'float64' },
    );
    return i.mul(0.11).sin().add(i.mul(0.037).cos().mul(0.5)).to('float32').reshape(shape);
  });
}

/** [key, shape, dtype] rows of a model's state dict, in order. */
export type Layout = [string, number[], string][];

export const layoutOf = (model: torch.nn.Module): Layout => Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape, t.dtype]);

/** torchvision's layout stored by g_models.py as zlib-compressed JSON. */
export function goldenLayout(name: string): Layout {
  const bytes = g(`${name}.layout`).data() as Uint8Array;
  return JSON.parse(inflateSync(bytes).toString('utf8')) as Layout;
}

/** Asserts the model's keys (in order), shapes and dtypes equal torchvision's. */
export function assertLayout(model: torch.nn.Module, name: string): void {
  const expected = goldenLayout(name);
  const actual = layoutOf(model);
  assert.deepEqual(
    actual.map((r) => r[0]),
    expected.map((r) => r[0]),
    `${name}: state-dict keys`,
  );
  assert.deepEqual(actual, expected, `${name}: state-dict shapes and dtypes`);
}

/** Sample standard deviation of a tensor's elements. */
export const stdOf = (t: Tensor): number => torch.scope(() => t.detach().to('float64').std().item());
