/**
 * A short seeded slice of the fuzzer (tools/fuzz, `npm run fuzz` for the full run):
 * the crash and hang repros plus random malformed calls, in child
 * processes, with no crash, hang, raw JavaScript error, internal assert or
 * impossible result. The harness itself is checked on real crashes and timeouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz, BAD, markdown } from '../../tools/fuzz/run.js';
import { runCalls } from '../../tools/fuzz/child.js';
import { minimize } from '../../tools/fuzz/minimize.js';
import { classify } from '../../tools/fuzz/worker.js';
import { renderCall, type Call } from '../../tools/fuzz/values.js';
import { torch } from '../../src/index.js';

const child = { callTimeout: 30, memory: 4 * 2 ** 30 };

test('fuzz slice (seed 1, the issue corpus + 1,000 random calls): no crash, hang, raw error, internal assert or wrong shape', async (t) => {
  const s = await fuzz({ seed: 1, calls: 1000, warmup: false, batch: 1000, ...child });
  t.diagnostic(markdown(s, 'fuzz slice'));
  assert.ok(s.calls > 1100, `${s.calls} calls`);
  assert.ok(s.counts.ok > 100 && s.counts.clean > 400, 'the calls reach both results and argument checks');
  for (const k of BAD)
    assert.equal(
      s.counts[k],
      0,
      `${k}: ${s.findings
        .filter((f) => f.outcome === k)
        .map((f) => f.repro)
        .join('; ')}`,
    );
});

test('classification: engine errors are raw, libtorch asserts are internal, named errors are clean', () => {
  const raw = (() => {
    try {
      void (null as unknown as { _h: number })._h;
    } catch (e) {
      return e;
    }
  })();
  assert.equal(classify(raw).outcome, 'raw');
  assert.equal(classify(new RangeError('Invalid array length')).outcome, 'raw');
  assert.equal(
    classify(new torch.TorchError('addcmul_: !needs_dynamic_casting INTERNAL ASSERT FAILED, please report a bug')).outcome,
    'internal-assert',
  );
  assert.equal(classify(new torch.TorchError('add: argument 1: expected number or boolean but received string')).outcome, 'native-arg');
  assert.equal(classify(new torch.TorchError('select: index 9 out of range')).outcome, 'clean');
  assert.equal(classify(new TypeError('Expected a Tensor for input but received null')).outcome, 'clean');
  assert.equal(classify(new RangeError('setNumThreads: expected at most 8 threads')).outcome, 'clean');
  assert.equal(classify('thrown string').outcome, 'raw');
});

test('the harness catches a child that dies or stops answering, and shrinks the call to a one-line repro', async () => {
  const big: Call['self'] = { t: 'tensor', shape: [2 ** 22], dtype: 'float32', fill: 'zeros' };
  // A 16 MiB JavaScript heap cannot hold 4M numbers as an array: V8 aborts the child.
  const crashing: Call = { target: 'Tensor.tolist', self: big, args: [{ t: 'undef' }] };
  const ok: Call = {
    target: 'torch.add',
    args: [
      { t: 'tensor', shape: [2], dtype: 'float32', fill: 'ones' },
      { t: 'num', v: 1 },
    ],
  };
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = '--max-old-space-size=16';
  try {
    const verdicts = await runCalls([ok, crashing, ok], child);
    assert.deepEqual(
      verdicts.map((v) => v.outcome),
      ['ok', 'crash', 'ok'],
      'a new child runs the calls after the crash',
    );
    assert.match(verdicts[1].message!, /^(killed by SIG[A-Z]+|exit code \d+)/);
    const small = await minimize(crashing, 'crash', child);
    assert.equal(renderCall(small), 'torch.ones([4194304]).tolist()');
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
  const slow: Call = { target: 'torch.randn', args: [{ t: 'arr', v: [{ t: 'num', v: 2 ** 25 }] }] };
  const verdicts = await runCalls([slow, ok], { ...child, callTimeout: 0.05 });
  assert.deepEqual(
    verdicts.map((v) => v.outcome),
    ['hang', 'ok'],
  );
  assert.match(verdicts[0].message!, /^no answer within 0\.05 s/);
});
