import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertClose, assertThrows, golden } from '../helpers.js';

type Tensor = torch.Tensor;
type Opts = Record<string, unknown>;
type Config = [name: string, cls: 'SGD' | 'Adam' | 'AdamW', defaults: Opts, groups: Opts[] | null];

const g = golden('optim');
const STEPS = 5;
const configs = JSON.parse(new TextDecoder().decode(g('configs').data() as Uint8Array)) as Config[];
const camel = (s: string): string => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Opts): Opts => Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
// float32 element-wise updates: whether the CPU fuses multiply-adds moves the last bit of
// each step, so after 5 steps values of magnitude 4–8 already differ by an ulp (4.8e-7,
// half of a bare atol of 1e-6). rtol 1e-5 (~80 ulps) leaves that margin 20-fold and
// stays ≥ 10× below a formula error after 5 steps (measured with PyTorch, relative:
// momentum 0.89 for 0.9 3e-2, Adam's β₂ 0.99 for 0.999 3e-4, weight decay 1e-3 dropped 1e-4).
const TOL = { atol: 1e-6, rtol: 1e-5 };

function make([, cls, defaults, groups]: Config): { params: Tensor[]; opt: torch.optim.Optimizer<{ lr: number }> } {
  const params = [g('p0').clone().requiresGrad_(), g('p1').clone().requiresGrad_()];
  const spec = groups ? params.map((p, i) => ({ params: [p], ...camelKeys(groups[i]) })) : params;
  const Cls = torch.optim[cls] as unknown as new (p: unknown, o: Opts) => torch.optim.Optimizer<{ lr: number }>;
  return { params, opt: new Cls(spec, camelKeys(defaults)) };
}

function setGrads(params: Tensor[], k: number): void {
  params.forEach((p, i) => (p.grad = g(`grad.${k}.${i}`).clone()));
}

/** Compares parameters and every state tensor PyTorch has after step k; returns how many state tensors matched. */
function compare(name: string, k: number, params: Tensor[], opt: torch.optim.Optimizer<{ lr: number }>): number {
  let matched = 0;
  params.forEach((p, i) => {
    assertClose(p.detach(), g(`${name}.${k}.p${i}`), { ...TOL, msg: `${name} step ${k} p${i}` });
    const state = opt.state.get(p) ?? {};
    for (const s of ['momentum_buffer', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']) {
      const key = `${name}.${k}.${s}.${i}`;
      let expected: Tensor | null = null;
      try {
        expected = g(key);
      } catch {
        assert.equal(state[camel(s)], undefined, `${key}: PyTorch keeps no ${s}`);
      }
      if (!expected) continue;
      assertClose(state[camel(s)] as Tensor, expected, { ...TOL, msg: key });
      matched++;
    }
  });
  return matched;
}

/** State tensors per parameter that PyTorch keeps for a config. */
function stateCount([, cls, defaults, groups]: Config): number {
  const o = { ...defaults, ...(groups?.[0] ?? {}) };
  return cls === 'SGD' ? (o.momentum ? 1 : 0) : o.amsgrad ? 3 : 2;
}

test('the golden table covers every optimizer variant', () => {
  assert.deepEqual(
    configs.map((c) => c[0]),
    [
      'sgd',
      'sgd.momentum',
      'sgd.dampening',
      'sgd.nesterov',
      'sgd.weight_decay',
      'sgd.groups',
      'adam',
      'adam.weight_decay',
      'adam.amsgrad',
      'adamw',
      'adamw.default_decay',
      'adamw.amsgrad',
      'adamw.groups',
    ],
  );
});

for (const config of configs) {
  const name = config[0];
  test(`${name}: parameters and state match torch.optim.${config[1]} for ${STEPS} steps`, () => {
    const { params, opt } = make(config);
    for (let k = 0; k < STEPS; k++) {
      setGrads(params, k);
      opt.step();
      assert.equal(compare(name, k, params, opt), 2 * stateCount(config), `${name}: state tensors compared`);
    }
    if (config[1] !== 'SGD') assert.equal(opt.state.get(params[0])!.step, STEPS);
  });

  test(`${name}: stateDict → loadStateDict into fresh parameters continues identically`, () => {
    const a = make(config);
    for (let k = 0; k < 2; k++) {
      setGrads(a.params, k);
      a.opt.step();
    }
    const sd = a.opt.stateDict();
    // A fresh model (parameters copied from the first run) and a fresh optimizer.
    const b = make(config);
    torch.noGrad(() => b.params.forEach((p, i) => p.copy_(a.params[i])));
    b.opt.loadStateDict(sd);
    for (let k = 2; k < STEPS; k++) {
      setGrads(a.params, k);
      a.opt.step();
      setGrads(b.params, k);
      b.opt.step();
      compare(name, k, b.params, b.opt);
    }
    b.params.forEach((p, i) =>
      assert.deepEqual(p.detach().toArray(), a.params[i].detach().toArray(), `${name}: resumed run is bit-identical`),
    );
  });
}

test('a parameter without a gradient is skipped and gets no state', () => {
  const [p0, p1] = [g('p0').clone().requiresGrad_(), g('p1').clone().requiresGrad_()];
  const opt = new torch.optim.AdamW([p0, p1], { lr: 0.1 });
  p0.grad = g('grad.0.0').clone();
  opt.step();
  assert.deepEqual(p1.detach().toArray(), g('p1').toArray());
  assert.equal(opt.state.has(p1), false);
  assert.equal(opt.state.get(p0)!.step, 1);
});

test("zeroGrad clears to null or zeroes in place; setLr keeps each group's ratio to the default lr", () => {
  const p = g('p0').clone().requiresGrad_();
  const q = g('p1').clone().requiresGrad_();
  const opt = new torch.optim.SGD([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.1 });
  p.grad = g('grad.0.0').clone();
  q.grad = g('grad.0.1').clone();
  opt.zeroGrad(false);
  assert.deepEqual(p.grad!.toArray(), new Array(12).fill(0));
  opt.zeroGrad();
  assert.equal(p.grad, null);
  assert.equal(q.grad, null);
  // group 1 was built at 5× the default: a schedule's rate for the default applies 5× to it
  opt.setLr(0.25);
  assert.deepEqual(
    opt.paramGroups.map((x) => x.lr),
    [0.25, 1.25],
  );
  opt.setLr([0.3, 0.05]);
  assert.deepEqual(
    opt.paramGroups.map((x) => x.lr),
    [0.3, 0.05],
  );
  opt.setLr(0.1);
  assert.deepEqual(
    opt.paramGroups.map((x) => x.lr),
    [0.1, 0.5],
    'ratios are those at construction, not the current rates',
  );
  opt.loadStateDict(opt.stateDict());
  opt.setLr(0);
  assert.deepEqual(
    opt.paramGroups.map((x) => x.lr),
    [0, 0],
  );
  assert.equal(opt.defaults.lr, 0.1);
  assertThrows(() => opt.setLr([0.1]), /^SGD\.setLr: expected 2 rates, one per parameter group, but received 1$/, RangeError);
  assertThrows(
    () => opt.setLr([0.1, -1]),
    /^SGD: expected a finite number >= 0 for lr but received -1 of type number \(parameter group 1\)$/,
    RangeError,
  );
  assertThrows(
    () => opt.setLr('0.1' as unknown as number),
    /^SGD\.setLr: expected a number or an array of numbers \(one per parameter group\) but received "0\.1" of type string$/,
    TypeError,
  );
  assert.deepEqual(
    opt.paramGroups.map((x) => x.lr),
    [0, 0],
    'a rejected setLr changes nothing',
  );
  const zeroDefault = new torch.optim.SGD([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0 });
  assertThrows(
    () => zeroDefault.setLr(0.1),
    /^SGD\.setLr: parameter group 1 has its own lr but the default lr is 0, so it has no ratio to keep; pass one rate per group$/,
    RangeError,
  );
  zeroDefault.setLr([0.1, 0.2]);
  assert.deepEqual(
    zeroDefault.paramGroups.map((x) => x.lr),
    [0.1, 0.2],
  );
});

test('stateDict copies hyperparameters, numbers parameters in group order, and keys state by index', () => {
  const [p0, p1] = [g('p0').clone().requiresGrad_(), g('p1').clone().requiresGrad_()];
  const opt = new torch.optim.Adam([{ params: [p1] }, { params: [p0], betas: [0.5, 0.9] }], { lr: 0.1 });
  p0.grad = g('grad.0.0').clone();
  opt.step();
  const sd = opt.stateDict();
  assert.deepEqual(
    sd.paramGroups.map((x) => x.params),
    [[0], [1]],
  );
  assert.deepEqual(sd.paramGroups[1].betas, [0.5, 0.9]);
  sd.paramGroups[1].betas[0] = 0.1;
  assert.equal(opt.paramGroups[1].betas[0], 0.5, 'hyperparameters are copied');
  assert.deepEqual(Object.keys(sd.state), ['1']);
  assert.equal(sd.state[1].step, 1);
});
