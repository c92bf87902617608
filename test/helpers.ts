/** Shared test helpers: golden fixtures, numeric comparison, finite-difference gradient checks. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { torch } from '../src/index.js';
import { packageRoot } from '../src/torch/native.js';

type Tensor = torch.Tensor;

export const root = packageRoot;

const cache = new Map<string, Record<string, Tensor>>();

/**
 * Golden tensors written by tools/goldens/make_goldens.py with PyTorch.
 * `golden('math')('add.out')` returns the tensor or fails naming the key.
 */
export function golden(family: string): (name: string) => Tensor {
  let g = cache.get(family);
  if (!g) {
    g = torch.safetensors.loadFile(join(root, 'fixtures', 'goldens', `${family}.safetensors`));
    cache.set(family, g);
  }
  const table = g;
  return (name: string) => {
    const t = table[name];
    if (!t) throw new Error(`golden ${family}/${name} is missing: regenerate with \`npm run goldens\``);
    return t;
  };
}

/** The state dict stored in a golden family under `<prefix>.sd.` (that prefix stripped from the keys). */
export function goldenState(family: string, prefix: string): Record<string, Tensor> {
  golden(family);
  const head = `${prefix}.sd.`;
  return Object.fromEntries(
    Object.entries(cache.get(family)!)
      .filter(([k]) => k.startsWith(head))
      .map(([k, t]) => [k.slice(head.length), t]),
  );
}

function toF64(t: Tensor): Float64Array {
  const c = t.dtype === 'complex64' || t.dtype === 'complex128' ? torch.viewAsReal(t) : t;
  const d = c.data();
  const out = d instanceof BigInt64Array ? Float64Array.from(d, Number) : Float64Array.from(d as Float32Array);
  if (c !== t) c.dispose();
  return out;
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Also require equal dtypes (default true). */
  checkDtype?: boolean;
  msg?: string;
}

/** Asserts equal shapes (and dtypes) and |a - e| <= atol + rtol |e| elementwise; NaNs must match. */
export function assertClose(actual: Tensor, expected: Tensor, o: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, checkDtype = true, msg = '' } = o;
  const where = msg ? `${msg}: ` : '';
  assert.deepEqual(actual.shape, expected.shape, `${where}shape`);
  if (checkDtype) assert.equal(actual.dtype, expected.dtype, `${where}dtype`);
  const a = toF64(actual);
  const e = toF64(expected);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i]) || Number.isNaN(a[i])) {
      if (Number.isNaN(e[i]) !== Number.isNaN(a[i])) {
        worst = i;
        break;
      }
      continue;
    }
    if (a[i] === e[i]) continue;
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (excess > worstExcess || Number.isNaN(excess)) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) assert.fail(`${where}element ${worst}: got ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`);
}

/** Asserts an array of numbers equals the expected numbers within atol. */
export function assertArrayClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, msg = ''): void {
  assert.equal(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= atol, `${msg} element ${i}: got ${actual[i]}, expected ${expected[i]}`);
}

/**
 * Finite-difference gradient check in float64: compares autograd's gradient of
 * sum(fn(inputs) * w) for a fixed random w against central differences.
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  o: { eps?: number; atol?: number; rtol?: number; msg?: string } = {},
): void {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-4, msg = '' } = o;
  torch.scope(() => {
    const xs = inputs.map((x) =>
      x
        .detach()
        .clone()
        .requiresGrad_(x.dtype === 'float64'),
    );
    for (const x of xs)
      assert.ok(x.dtype !== 'float32', `${msg}: gradcheck inputs must be float64 (or integer for non-differentiable args)`);
    const out0 = fn(...xs);
    const gen = new torch.Generator(1234);
    const w = torch.randn(out0.shape, { dtype: 'float64', generator: gen });
    const diff = xs.filter((x) => x.dtype === 'float64');
    const grads = torch.autograd.grad(out0.mul(w).sum(), diff, { allowUnused: true });
    const project = (): number =>
      torch.noGrad(() =>
        fn(...xs)
          .mul(w)
          .sum()
          .item(),
      );
    diff.forEach((x, k) => {
      const analytic = grads[k] ? toF64(grads[k]!) : new Float64Array(x.numel());
      const flat = x.detach().view([-1]);
      const n = x.numel();
      for (let i = 0; i < n; i++) {
        const cell = flat.select(0, i);
        const v = cell.item();
        torch.noGrad(() => cell.fill_(v + eps));
        const plus = project();
        torch.noGrad(() => cell.fill_(v - eps));
        const minus = project();
        torch.noGrad(() => cell.fill_(v));
        const numeric = (plus - minus) / (2 * eps);
        const ok = Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric);
        assert.ok(ok, `${msg} input ${k} element ${i}: autograd ${analytic[i]} vs finite difference ${numeric}`);
      }
    });
  });
}

/** Asserts fn throws an error of `cls` whose message matches `pattern`. */
export function assertThrows(fn: () => unknown, pattern: RegExp, cls: new (...a: never[]) => Error = Error): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name} but got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}
