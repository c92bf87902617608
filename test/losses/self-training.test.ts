import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch, losses } from '../../src/index.js';
import { assertClose, assertThrows, golden, gradcheck } from '../helpers.js';
import { assertFreesTemporaries, checkParity } from './parity.js';

/** tools/goldens/g_self_training.py: float64 logits [N, 5] at scale 2; teacher rows with a top-2 gap ≥ 0.3. */
const g = golden('self_training');
const teacher = g('teacher'); // [10, 5], the unlabelled batch
const student = g('student'); // [10, 5]
const labLogits = g('lab_logits'); // [6, 5]
const labels = g('labels'); // int64 [6]

test('teacherTargets: softmax(t/T) for T > 0 and the one-hot argmax for T ≤ 0, as PyTorch, detached', () => {
  assertClose(losses.teacherTargets(teacher, 2), g('targets_soft'), { rtol: 1e-14, atol: 1e-16, msg: 'soft, T = 2' });
  assert.deepEqual(losses.teacherTargets(teacher, -1).toArray(), g('targets_hard').toArray(), 'hard, T = -1');
  assert.deepEqual(losses.teacherTargets(teacher, 0).toArray(), g('targets_hard').toArray(), 'hard, T = 0');
  const single = losses.teacherTargets(teacher.float(), 2);
  assert.equal(single.dtype, 'float32');
  assertClose(single, g('targets_soft'), { rtol: 1e-5, atol: 1e-7, checkDtype: false, msg: 'float32' });
  const live = teacher.clone().requiresGrad_();
  assert.equal(losses.teacherTargets(live, 1).requiresGrad, false, 'targets carry no graph');
  assertFreesTemporaries(() => losses.teacherTargets(teacher, 2), 1);
  assertFreesTemporaries(() => losses.teacherTargets(teacher, -1), 1);
});

test('softCrossEntropy equals PyTorch in value and logit gradient; the targets get none', () => {
  checkParity({
    key: 'soft_ce',
    goldens: g,
    loss: (s, p) => losses.softCrossEntropy(s, p),
    inputs: [
      ['logits', student],
      ['targets', g('targets_soft')],
    ],
    stopped: ['targets'],
  });
  assertFreesTemporaries(() => losses.softCrossEntropy(student, g('targets_soft')), 1);
});

for (const kind of ['soft', 'hard'] as const)
  test(`noisyStudentLoss (${kind} targets) equals PyTorch: (L_lab·B_lab + L_unl·B_unl)/B_lab with label smoothing 0.1`, () => {
    const targets = g(`targets_${kind}`);
    checkParity({
      key: `ns_${kind}`,
      goldens: g,
      loss: (lab, unl, t) => losses.noisyStudentLoss({ labLogits: lab, labels, unlLogits: unl, unlTargets: t }).loss,
      inputs: [
        ['labLogits', labLogits],
        ['unlLogits', student],
        ['unlTargets', targets],
      ],
      stopped: ['unlTargets'],
    });
    const r = losses.noisyStudentLoss({ labLogits, labels, unlLogits: student, unlTargets: targets });
    assert.ok(Math.abs(r.labLoss - g(`ns_${kind}.lab`).item()) < 1e-12 * Math.abs(r.labLoss), 'labLoss');
    assert.ok(Math.abs(r.unlLoss - g(`ns_${kind}.unl`).item()) < 1e-12 * Math.abs(r.unlLoss), 'unlLoss');
    assert.ok(Math.abs(r.loss.item() - (r.labLoss + (r.unlLoss * 10) / 6)) < 1e-12 * r.loss.item(), 'weighting by B_unl / B_lab');
  });

test('noisyStudentLoss: labelSmoothing 0 is plain cross-entropy; the hard-target unlabelled term is CE against the argmax', () => {
  const r = losses.noisyStudentLoss({ labLogits, labels, unlLogits: student, unlTargets: g('targets_hard'), labelSmoothing: 0 });
  assert.ok(Math.abs(r.labLoss - g('ce_plain').item()) < 1e-12 * r.labLoss);
  const ce = torch.nn.functional.crossEntropy(student, g('targets_hard').argmax(1)).item();
  assert.ok(Math.abs(r.unlLoss - ce) < 1e-12 * ce, `${r.unlLoss} vs ${ce}`);
  assertFreesTemporaries(() => losses.noisyStudentLoss({ labLogits, labels, unlLogits: student, unlTargets: g('targets_soft') }).loss, 1);
});

for (const temperature of [1, 4])
  test(`distillationLoss (T = ${temperature}) equals PyTorch's T²·kl_div(batchmean); the teacher gets no gradient`, () => {
    checkParity({
      key: `kd_t${temperature}`,
      goldens: g,
      loss: (s, t) => losses.distillationLoss(s, t, { temperature }),
      inputs: [
        ['student', student],
        ['teacher', teacher],
      ],
      stopped: ['teacher'],
    });
  });

test('distillationLoss: zero when the student equals the teacher, T defaults to 1, and T² · soft CE has the same student gradient', () => {
  assert.ok(Math.abs(losses.distillationLoss(teacher, teacher, { temperature: 3 }).item()) < 1e-14);
  assert.equal(losses.distillationLoss(student, teacher).item(), losses.distillationLoss(student, teacher, { temperature: 1 }).item());
  const s = student.clone().requiresGrad_();
  losses.distillationLoss(s, teacher, { temperature: 4 }).backward();
  const viaCe = student.clone().requiresGrad_();
  losses.softCrossEntropy(viaCe.div(4), losses.teacherTargets(teacher, 4)).mul(16).backward();
  assertClose(s.grad!, viaCe.grad!, { rtol: 1e-12, atol: 1e-15, msg: 'same gradient as SimCLRv2’s −Σ P_T log P_S' });
  assertFreesTemporaries(() => losses.distillationLoss(student, teacher, { temperature: 2 }), 1);
});

test('the self-training losses pass float64 finite differences', () => {
  const soft = g('targets_soft');
  gradcheck((s) => losses.softCrossEntropy(s, soft), [student], { msg: 'softCrossEntropy' });
  gradcheck(
    (lab, unl) => losses.noisyStudentLoss({ labLogits: lab, labels, unlLogits: unl, unlTargets: soft }).loss,
    [labLogits, student],
    {
      msg: 'noisyStudentLoss',
    },
  );
  gradcheck((s) => losses.distillationLoss(s, teacher, { temperature: 4 }), [student], { msg: 'distillationLoss' });
});

test('the self-training losses name bad shapes, dtypes, labels and hyperparameters', () => {
  const targets = g('targets_soft');
  const ns = (o: Partial<losses.NoisyStudentLossOptions>) =>
    losses.noisyStudentLoss({ labLogits, labels, unlLogits: student, unlTargets: targets, ...o });
  assertThrows(
    () => losses.teacherTargets(teacher.flatten(), 1),
    /^teacherTargets: expected teacherLogits of shape \[N, C\] but received \[50\]$/,
    RangeError,
  );
  assertThrows(
    () => losses.teacherTargets(labels.view([2, 3]), 1),
    /^teacherTargets: expected teacherLogits of a floating dtype but received int64$/,
    TypeError,
  );
  assertThrows(
    () => losses.teacherTargets(teacher, Number.NaN),
    /^teacherTargets: expected a finite number for temperature but received NaN of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.softCrossEntropy(student, targets.narrow(1, 0, 4)),
    /^softCrossEntropy: expected logits and targets of the same shape \[N, C\] but received \[10,5\] and \[10,4\]$/,
    RangeError,
  );
  assertThrows(
    () => ns({ labels: labels.narrow(0, 0, 5) }),
    /^noisyStudentLoss: expected labels of shape \[6\] \(B_lab of labLogits\) but received \[5\]$/,
    RangeError,
  );
  assertThrows(() => ns({ labels: labels.float() }), /^noisyStudentLoss: expected labels of dtype int64 but received float32$/, TypeError);
  assertThrows(
    () => ns({ labels: labels.add(1) }),
    /^noisyStudentLoss: expected labels in \[0, 4\] \(C = 5\) but received values in \[1, 5\]$/,
    RangeError,
  );
  assertThrows(
    () => ns({ unlLogits: student.narrow(1, 0, 4), unlTargets: targets.narrow(1, 0, 4) }),
    /^noisyStudentLoss: expected unlLogits with C = 5 classes \(as labLogits\) but received \[10,4\]$/,
    RangeError,
  );
  assertThrows(
    () => ns({ unlTargets: targets.narrow(0, 0, 9) }),
    /^noisyStudentLoss: expected unlLogits and unlTargets of the same shape \[N, C\] but received \[10,5\] and \[9,5\]$/,
    RangeError,
  );
  assertThrows(
    () => ns({ labelSmoothing: 1.5 }),
    /^noisyStudentLoss: expected a number in \[0, 1\] for labelSmoothing but received 1.5 of type number$/,
    RangeError,
  );
  assertThrows(() => ns({ labLogits: undefined }), /^noisyStudentLoss: expected a Tensor for labLogits/, TypeError);
  assertThrows(
    () => losses.distillationLoss(student, teacher, { temperature: 0 }),
    /^distillationLoss: expected a positive number for temperature but received 0 of type number$/,
    RangeError,
  );
  assertThrows(
    () => losses.distillationLoss(student, teacher.narrow(0, 0, 3)),
    /^distillationLoss: expected studentLogits and teacherLogits of the same shape \[N, C\] but received \[10,5\] and \[3,5\]$/,
    RangeError,
  );
});
