import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { assertThrows } from '../helpers.js';

const { SGD, Adam, AdamW, LARS } = torch.optim;
const w = (): torch.Tensor => torch.ones([2, 2], { requiresGrad: true });
/** Two groups; the bad value goes into group 1 so the message must name it. */
const inGroup1 = (o: Record<string, unknown>): { params: torch.Tensor[] }[] => [{ params: [w()] }, { params: [w()], ...o }];

test('SGD names the option, the value and the group of every invalid hyperparameter', () => {
  const cases: [Record<string, unknown>, RegExp, typeof Error][] = [
    [{ lr: -0.1 }, /^SGD: expected a finite number >= 0 for lr but received -0.1 of type number \(parameter group 1\)$/, RangeError],
    [{ lr: NaN }, /expected a finite number >= 0 for lr but received NaN of type number \(parameter group 1\)/, RangeError],
    [{ lr: '0.1' }, /expected a finite number >= 0 for lr but received "0.1" of type string \(parameter group 1\)/, TypeError],
    [{ momentum: -0.9 }, /expected a finite number >= 0 for momentum but received -0.9 of type number \(parameter group 1\)/, RangeError],
    [{ dampening: 1.5 }, /expected a number in \[0, 1\] for dampening but received 1.5 of type number \(parameter group 1\)/, RangeError],
    [
      { weightDecay: -1e-4 },
      /expected a finite number >= 0 for weightDecay but received -0.0001 of type number \(parameter group 1\)/,
      RangeError,
    ],
    [{ nesterov: 1 }, /^SGD: expected a boolean for nesterov but received 1 of type number \(parameter group 1\)$/, TypeError],
    [
      { nesterov: true },
      /nesterov needs momentum > 0 and dampening 0 but received momentum 0 of type number and dampening 0 of type number \(parameter group 1\)/,
      RangeError,
    ],
    [{ nesterov: true, momentum: 0.9, dampening: 0.1 }, /nesterov needs .* dampening 0.1 of type number \(parameter group 1\)/, RangeError],
    [
      { weight_decay: 0.1 },
      /^SGD: unknown option "weight_decay" in parameter group 1 \(valid options: lr, momentum, dampening, weightDecay, nesterov\)$/,
      TypeError,
    ],
  ];
  for (const [o, re, cls] of cases) assertThrows(() => new SGD(inGroup1(o), { lr: 0.1 }), re, cls);
  assertThrows(
    () => new SGD([w()], {} as { lr: number }),
    /expected a finite number >= 0 for lr but received undefined of type undefined \(parameter group 0\)/,
    TypeError,
  );
  assertThrows(() => new SGD([w()], { lr: 0.1, momentom: 0.9 } as { lr: number }), /unknown option "momentom" in options/, TypeError);
});

test('Adam and AdamW name the option, the value and the group', () => {
  const cases: [Record<string, unknown>, RegExp, typeof Error][] = [
    [{ lr: -1 }, /expected a finite number >= 0 for lr but received -1 of type number \(parameter group 1\)/, RangeError],
    [{ eps: -1e-8 }, /expected a finite number >= 0 for eps but received -1e-8 of type number \(parameter group 1\)/, RangeError],
    [{ betas: [1, 0.999] }, /expected a number in \[0, 1\) for betas\[0\] but received 1 of type number \(parameter group 1\)/, RangeError],
    [
      { betas: [0.9, -0.5] },
      /expected a number in \[0, 1\) for betas\[1\] but received -0.5 of type number \(parameter group 1\)/,
      RangeError,
    ],
    [{ betas: 0.9 }, /expected betas to be \[beta1, beta2\] but received 0.9 of type number \(parameter group 1\)/, RangeError],
    [
      { weightDecay: -0.01 },
      /expected a finite number >= 0 for weightDecay but received -0.01 of type number \(parameter group 1\)/,
      RangeError,
    ],
    [{ amsgrad: 'yes' }, /expected a boolean for amsgrad but received "yes" of type string \(parameter group 1\)/, TypeError],
    [{ beta1: 0.9 }, /unknown option "beta1" in parameter group 1 \(valid options: lr, betas, eps, weightDecay, amsgrad\)/, TypeError],
  ];
  for (const [o, re, cls] of cases) {
    assertThrows(() => new Adam(inGroup1(o)), new RegExp(`^Adam: ${re.source}`), cls);
    assertThrows(() => new AdamW(inGroup1(o)), new RegExp(`^AdamW: ${re.source}`), cls);
  }
});

test('LARS names the option, the value and the group', () => {
  const cases: [Record<string, unknown>, RegExp, typeof Error][] = [
    [{ lr: -1 }, /expected a finite number >= 0 for lr but received -1 of type number \(parameter group 1\)/, RangeError],
    [{ momentum: 1.1 }, /expected a number in \[0, 1\] for momentum but received 1.1 of type number \(parameter group 1\)/, RangeError],
    [{ weightDecay: -1 }, /expected a finite number >= 0 for weightDecay but received -1 of type number \(parameter group 1\)/, RangeError],
    [
      { trustCoefficient: -0.001 },
      /expected a finite number >= 0 for trustCoefficient but received -0.001 of type number \(parameter group 1\)/,
      RangeError,
    ],
    [{ exclude: 'bias' }, /expected a boolean for exclude but received "bias" of type string \(parameter group 1\)/, TypeError],
  ];
  for (const [o, re, cls] of cases) assertThrows(() => new LARS(inGroup1(o), { lr: 0.1 }), new RegExp(`^LARS: ${re.source}`), cls);
});

test('parameter lists are checked', () => {
  const p = w();
  assertThrows(
    () => new SGD([], { lr: 0.1 }),
    /^SGD: expected a non-empty array of parameters or parameter groups but received \[\] of type array$/,
    TypeError,
  );
  assertThrows(() => new SGD([p], null as never), /^SGD: expected an options object for options but received null$/, TypeError);
  assertThrows(
    () => torch.optim.larsParamGroups(null as never),
    /^larsParamGroups: expected a Module or an array of parameters for model but received null$/,
    TypeError,
  );
  assertThrows(
    () => new SGD([{ lr: 0.1 } as never], { lr: 0.1 }),
    /^SGD: parameter group 0 must be an object with a params array/,
    TypeError,
  );
  assertThrows(
    () => new SGD([{ params: [p] }, { params: [w(), 3 as never] }], { lr: 0.1 }),
    /^SGD: parameter 1 of parameter group 1 is not a Tensor \(received 3 of type number\)$/,
    TypeError,
  );
  assertThrows(
    () => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }),
    /^SGD: parameter 0 of parameter group 1 appears in more than one group$/,
  );
  const opt = new SGD([p], { lr: 0.1 });
  assertThrows(
    () => opt.setLr(-1),
    /^SGD: expected a finite number >= 0 for lr but received -1 of type number \(parameter group 0\)$/,
    RangeError,
  );
  assert.equal(opt.paramGroups[0].lr, 0.1, 'a rejected setLr changes nothing');
});

test('loadStateDict rejects a state that does not fit, and changes nothing', () => {
  const make = (): InstanceType<typeof Adam> =>
    new Adam([{ params: [w()] }, { params: [torch.ones([3], { requiresGrad: true })] }], { lr: 0.1 });
  const src = make();
  for (const group of src.paramGroups) for (const p of group.params) p.grad = torch.onesLike(p);
  src.step();
  const sd = src.stateDict();
  const dst = make();
  assertThrows(
    () => dst.loadStateDict({ ...sd, paramGroups: [sd.paramGroups[0]] }),
    /^Adam.loadStateDict: the saved state has 1 parameter groups but the optimizer has 2$/,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, paramGroups: [sd.paramGroups[0], { ...sd.paramGroups[1], params: [1, 2] }] }),
    /^Adam.loadStateDict: parameter group 1 has 2 parameters in the saved state but 1 here$/,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, paramGroups: [sd.paramGroups[0], { ...sd.paramGroups[1], lr: -2 }] }),
    /^Adam: expected a finite number >= 0 for lr but received -2 of type number \(parameter group 1\)$/,
    RangeError,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, paramGroups: [sd.paramGroups[0], { ...sd.paramGroups[1], momentum: 0.9 } as never] }),
    /^Adam: unknown option "momentum" in saved parameter group 1/,
    TypeError,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, state: { ...sd.state, 7: sd.state[0] } }),
    /^Adam.loadStateDict: the saved state refers to parameter index 7, which no parameter group holds$/,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, state: { 0: sd.state[0], 1: sd.state[0] } }),
    /^Adam.loadStateDict: state "expAvg" of parameter 1 has shape \[2,2\] but the parameter has shape \[3\]$/,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], expAvg: 'x' as never } } }),
    /state "expAvg" of parameter 0 must be a Tensor or a number but is "x" of type string/,
    TypeError,
  );
  assertThrows(
    () => dst.loadStateDict(null as never),
    /^Adam.loadStateDict: expected \{ state, paramGroups \} but received null$/,
    TypeError,
  );
  assertThrows(
    () => dst.loadStateDict({ ...sd, paramGroups: [null, sd.paramGroups[1]] as never }),
    /^Adam.loadStateDict: saved parameter group 0 must be an object but is null$/,
    TypeError,
  );
  assert.equal(dst.state.size, 0, 'failed loads leave the state empty');
  assert.equal(dst.paramGroups[1].lr, 0.1, 'failed loads leave the hyperparameters');
});

test('schedules, EMA and clipGradNorm_ validate their arguments', () => {
  const { warmupCosine, stepDecay, constant, EMA, clipGradNorm_ } = torch.optim;
  assertThrows(
    () => warmupCosine({ baseLr: -1, warmupSteps: 1, totalSteps: 10 }),
    /^warmupCosine: expected a finite number >= 0 for baseLr but received -1 of type number$/,
    RangeError,
  );
  assertThrows(
    () => warmupCosine({ baseLr: 1, warmupSteps: 1, totalSteps: 10, finalLr: NaN }),
    /expected a finite number >= 0 for finalLr but received NaN/,
    RangeError,
  );
  assertThrows(
    () => warmupCosine({ baseLr: 1, warmupSteps: 1, totalSteps: 2.5 }),
    /expected a positive integer for totalSteps but received 2.5 of type number/,
    RangeError,
  );
  assertThrows(
    () => warmupCosine({ baseLr: 1, warmupSteps: -1, totalSteps: 10 }),
    /expected a non-negative integer for warmupSteps but received -1/,
    RangeError,
  );
  assertThrows(
    () => warmupCosine({ baseLr: 1, warmupSteps: 11, totalSteps: 10 }),
    /^warmupCosine: expected warmupSteps <= totalSteps but received warmupSteps=11, totalSteps=10$/,
    RangeError,
  );
  assertThrows(
    () => stepDecay({ baseLr: 1, stepSize: 0 }),
    /^stepDecay: expected a positive integer for stepSize but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => stepDecay({ baseLr: 1, stepSize: 5, gamma: -0.5 }),
    /^stepDecay: expected a finite number >= 0 for gamma but received -0.5/,
    RangeError,
  );
  assertThrows(() => constant(-0.1), /^constant: expected a finite number >= 0 for lr but received -0.1/, RangeError);
  const model = new torch.nn.Linear(2, 2);
  assertThrows(() => new EMA(model, 1), /^EMA: expected a number in \[0, 1\) for decay but received 1 of type number$/, RangeError);
  assertThrows(
    () => clipGradNorm_(model.parameters(), 0),
    /^clipGradNorm_: expected a finite number > 0 for maxNorm but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => clipGradNorm_(model.parameters(), 1, 0),
    /^clipGradNorm_: expected a number > 0 or Infinity for normType but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => clipGradNorm_([3 as never], 1),
    /^clipGradNorm_: expected a Tensor or an array of Tensors for params but received \[3 of type number\] of type array$/,
    TypeError,
  );
});
