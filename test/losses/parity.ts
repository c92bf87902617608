/** Shared checks of the SSL loss tests: PyTorch parity of value and input gradients, stop-gradients, freed temporaries. */
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, golden } from '../helpers.js';

type Tensor = torch.Tensor;

/** The goldens of tools/goldens/g_ssl_losses.py (float64 inputs from a seeded RNG). */
export const g = golden('ssl_losses');

export interface ParityCase {
  /** Golden prefix: `<key>.loss` and `<key>.grad_<name>`. */
  key: string;
  /** The loss of the named inputs, in order. */
  loss: (...xs: Tensor[]) => Tensor;
  inputs: [string, Tensor][];
  /** Inputs that must get no gradient (targets, keys, teachers, centres); the others must match PyTorch's gradients. */
  stopped?: string[];
  /** The golden family to read (default ssl_losses). */
  goldens?: (name: string) => Tensor;
}

/**
 * Runs the loss on leaf copies of the float64 inputs, all requiring grad, and
 * asserts: the value equals PyTorch's (rtol 1e-12), the trained inputs'
 * gradients equal PyTorch's (rtol 1e-10, atol 1e-12 relative to the largest
 * entry), the stopped inputs got no gradient, and the same loss on float32
 * copies agrees with the float64 value to float32 precision (rtol 1e-5).
 */
export function checkParity({ key, loss, inputs, stopped = [], goldens = g }: ParityCase): void {
  torch.scope(() => {
    const leaves = inputs.map(([, x]) => x.detach().clone().requiresGrad_());
    const value = loss(...leaves);
    assert.ok(value.requiresGrad, `${key}: the loss must require grad`);
    assertClose(value, goldens(`${key}.loss`), { rtol: 1e-12, atol: 1e-14, msg: `${key} value vs PyTorch` });
    value.backward();
    inputs.forEach(([name], i) => {
      const grad = leaves[i].grad;
      if (stopped.includes(name)) {
        assert.equal(grad, null, `${key}: ${name} is behind a stop-gradient but got a gradient`);
        return;
      }
      const expected = goldens(`${key}.grad_${name}`);
      const scale = expected.abs().max().item();
      assertClose(grad!, expected, { rtol: 1e-10, atol: 1e-12 * scale, msg: `${key} grad ${name} vs PyTorch` });
    });
    const single = loss(...inputs.map(([, x]) => x.float()));
    assert.equal(single.dtype, 'float32');
    assertClose(single, goldens(`${key}.loss`), { rtol: 1e-5, atol: 1e-6, checkDtype: false, msg: `${key} float32 value` });
  });
}

/** Asserts that `fn` leaves exactly `outputs` new tensors alive (its results), then frees them. */
export function assertFreesTemporaries(fn: () => unknown, outputs: number): void {
  const before = torch.memoryStats().tensors;
  const result = fn();
  assert.equal(torch.memoryStats().tensors, before + outputs, 'live tensors after the call');
  const all = result instanceof torch.Tensor ? [result] : Object.values(result as Record<string, Tensor>);
  for (const t of all) t.dispose();
  assert.equal(torch.memoryStats().tensors, before, 'live tensors after disposing the results');
}

/**
 * An N×D batch (N = 8, D ≤ 7) whose columns are columns 1 … D of the 8×8
 * Sylvester–Hadamard matrix: entries ±1, every column of mean 0 and biased
 * variance 1, columns mutually orthogonal.
 */
export function hadamardBatch(d: number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const rows = Array.from({ length: 8 }, (_, i) => Array.from({ length: d }, (_, j) => (popcount(i & (j + 1)) % 2 === 0 ? 1 : -1)));
  return torch.tensor(rows, { dtype });
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v >>= 1) c += v & 1;
  return c;
}
