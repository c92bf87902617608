import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertArrayClose, assertClose, assertThrows, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity, g } from './parity.js';

type Tensor = torch.Tensor;

const student = [0, 1, 2, 3].map((i) => g(`dino.s${i}`)); // 2 global + 2 local views, [5, 6] float64
const teacher = [0, 1].map((i) => g(`dino.t${i}`)); // the 2 global views, [5, 6]
const center = g('dino.center'); // [1, 6]
const temps = { studentTemp: 0.1, teacherTemp: 0.05 };

test('dinoLoss equals PyTorch (Algorithm 1 / reference code, multi-crop) in value and gradient; teacher and centre get no gradient', () => {
  const loss = (...xs: Tensor[]) => losses.dinoLoss(xs.slice(0, 4), xs.slice(4, 6), xs[6], temps);
  const inputs: [string, Tensor][] = [
    ...student.map((s, i): [string, Tensor] => [`s${i}`, s]),
    ['t0', teacher[0]],
    ['t1', teacher[1]],
    ['center', center],
  ];
  checkParity({ key: 'dino', loss, inputs, stopped: ['t0', 't1', 'center'] });
  const term = losses.dinoCrossEntropy(losses.dinoTeacherProbs(teacher[0], center, 0.05), student[1], 0.1);
  assertClose(term, g('dino.term'), { rtol: 1e-12, msg: 'H(t0, s1)' });
});

test('dinoLoss passes finite differences in the student outputs', () => {
  gradcheck((...s) => losses.dinoLoss(s, teacher, center, temps), student, { msg: 'dinoLoss' });
  gradcheck((s) => losses.dinoCrossEntropy(losses.dinoTeacherProbs(teacher[1], center, 0.04), s, 0.1), [student[0]], { msg: 'H' });
});

test('dinoLoss in closed form: a constant student costs log K; a uniform teacher, the mean of logsumexp − mean', () => {
  const zeros = student.map((s) => torch.zerosLike(s));
  assert.ok(Math.abs(losses.dinoLoss(zeros, teacher, center, temps).item() - Math.log(6)) < 1e-14);
  const flat = teacher.map((t) => torch.zerosLike(t).add(center)); // t − c = 0: Pₜ uniform
  const byHand = (rows: number[][]): number =>
    rows.reduce((acc, r) => {
      const x = r.map((v) => v / 0.1);
      const m = Math.max(...x);
      const lse = m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
      return acc + lse - x.reduce((s, v) => s + v, 0) / x.length;
    }, 0) / rows.length;
  // Pairs: teacher 0 with students 1, 2, 3 and teacher 1 with students 0, 2, 3.
  const pairs = [1, 2, 3, 0, 2, 3].map((b) => byHand(student[b].tolist() as number[][]));
  const expected = pairs.reduce((s, v) => s + v, 0) / pairs.length;
  assert.ok(Math.abs(losses.dinoLoss(student, flat, center, temps).item() - expected) < 1e-12);
  // Two views only: Algorithm 1's H(t1, s2)/2 + H(t2, s1)/2.
  const h = (t: Tensor, s: Tensor) => losses.dinoCrossEntropy(losses.dinoTeacherProbs(t, center, 0.05), s, 0.1).item();
  const two = (h(teacher[0], student[1]) + h(teacher[1], student[0])) / 2;
  assert.ok(Math.abs(losses.dinoLoss(student.slice(0, 2), teacher, center, temps).item() - two) < 1e-14);
});

test('dinoCenterUpdate is the EMA of the teacher mean (as PyTorch) and leaves its inputs unchanged', () => {
  const before = [center, ...teacher].map((t) => t.clone());
  const next = losses.dinoCenterUpdate(center, teacher);
  assertClose(next, g('dino.center_next'), { rtol: 1e-14, atol: 1e-16, msg: 'new centre' });
  [center, ...teacher].forEach((t, i) => assert.deepEqual(t.toArray(), before[i].toArray(), `input ${i} unchanged`));
  assert.equal(next.requiresGrad, false);
  assertClose(losses.dinoCenterUpdate(center, teacher, 1), center, { rtol: 0, atol: 0, msg: 'm = 1 keeps the centre' });
  const live = teacher.map((t) => t.clone().requiresGrad_());
  assert.equal(losses.dinoCenterUpdate(center, live, 0.5).requiresGrad, false, 'the new centre is detached');
});

test('dinoTeacherTemp follows the reference schedule: linspace(0.04, 0.07, warm-up epochs), then 0.07', () => {
  const expected = g('dino.teacher_temp').toArray(); // warm-up of 10 epochs, 15 epochs in all
  assertArrayClose(
    expected.map((_, e) => losses.dinoTeacherTemp(e, { warmupEpochs: 10 })),
    expected,
    1e-15,
    'schedule',
  );
  assert.equal(losses.dinoTeacherTemp(0, { warmupEpochs: 0 }), 0.07);
  assert.equal(losses.dinoTeacherTemp(0, { warmupEpochs: 1 }), 0.04);
  assert.equal(losses.dinoTeacherTemp(1, { warmupEpochs: 1 }), 0.07);
  assert.equal(losses.dinoTeacherTemp(29, { warmupEpochs: 30 }), 0.07);
  assert.equal(losses.dinoTeacherTemp(4, { warmup: 0.02, final: 0.06, warmupEpochs: 5 }), 0.06);
  assert.ok(Math.abs(losses.dinoTeacherTemp(2, { warmup: 0.02, final: 0.06, warmupEpochs: 5 }) - 0.04) < 1e-17);
});

test('dino functions reject bad views, centres, temperatures, momenta and epochs by name', () => {
  const narrow = student[2].narrow(1, 0, 5);
  assertThrows(
    () => losses.dinoLoss([], teacher, center, temps),
    /^dinoLoss: expected a non-empty array of tensors \[N, K\] for studentOut but received \[\] of type array$/,
    TypeError,
  );
  assertThrows(
    () => losses.dinoLoss([student[0], student[1], narrow], teacher, center, temps),
    /^dinoLoss: expected studentOut\[0\] and studentOut\[2\] of the same shape \[N, K\] but received \[5,6\] and \[5,5\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoLoss(student, [teacher[0].narrow(0, 0, 4)], center, temps),
    /^dinoLoss: expected teacherOut\[0\] of the shape of studentOut\[0\] \[5,6\] but received \[4,6\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoLoss([student[0]], [teacher[0]], center, temps),
    /^dinoLoss: expected at least 2 student views and no more teacher views than student views but received 1 and 1$/,
    RangeError,
  );
  assertThrows(() => losses.dinoLoss(student.slice(0, 2), [...teacher, teacher[0]], center, temps), /but received 2 and 3$/, RangeError);
  assertThrows(
    () => losses.dinoLoss(student, teacher, center.flatten(), temps),
    /^dinoLoss: expected center of shape \[1, 6\] \(K of the outputs\) but received \[6\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoLoss(student, teacher, center, {} as never),
    /^dinoLoss: expected a positive number for teacherTemp but received undefined of type undefined$/,
    TypeError,
  );
  assertThrows(
    () => losses.dinoLoss(student, teacher, center, { teacherTemp: 0.04, studentTemp: 0 }),
    /^dinoLoss: expected a positive number for studentTemp but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoCenterUpdate(center, teacher, 1.5),
    /^dinoCenterUpdate: expected a number in \[0, 1\] for momentum but received 1.5 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoCenterUpdate(center.narrow(1, 0, 5), teacher),
    /^dinoCenterUpdate: expected center of shape \[1, 6\]/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoTeacherTemp(-1, { warmupEpochs: 3 }),
    /^dinoTeacherTemp: expected an integer >= 0 for epoch but received -1 of type number$/,
    RangeError,
  );
  assertThrows(() => losses.dinoTeacherTemp(0.5, { warmupEpochs: 3 }), /^dinoTeacherTemp: expected an integer >= 0 for epoch/, RangeError);
  assertThrows(
    () => losses.dinoTeacherTemp(0, {} as never),
    /^dinoTeacherTemp: expected an integer >= 0 for warmupEpochs but received undefined of type undefined$/,
    RangeError,
  );
  assertThrows(
    () => losses.dinoTeacherTemp(0, { warmupEpochs: 3, final: 0 }),
    /^dinoTeacherTemp: expected a positive number for final/,
    RangeError,
  );
});

test('dinoLoss and dinoCenterUpdate free their temporaries', () => {
  assertFreesTemporaries(() => losses.dinoLoss(student, teacher, center, temps), 1);
  assertFreesTemporaries(() => losses.dinoCenterUpdate(center, teacher), 1);
});
