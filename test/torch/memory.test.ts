/** Tensor lifetime: dispose, scopes, exact live counts, a 10k-step leak check, the GC safety net. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { torch } from '../../src/index.js';
import { native } from '../../src/torch/native.js';
import { keep } from '../../src/torch/scope.js';
import { Linear } from '../../src/nn/index.js';
import { assertThrows, root } from '../helpers.js';

// A full garbage collection before each RSS reading, so the JavaScript heap's own garbage
// (the steps' wrapper objects) does not read as growth: without it RSS over 9,000 steps
// wandered 5-14 MiB from run to run.
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

type Tensor = torch.Tensor;
const stats = (): { tensors: number; bytes: number } => torch.memoryStats();
const SLOT_MASK = 2 ** 24 - 1;

test('dispose is idempotent and use after dispose is a TorchError mentioning "disposed"', () => {
  const before = stats();
  const t = torch.zeros([10]);
  assert.deepEqual(stats(), { tensors: before.tensors + 1, bytes: before.bytes + 40 });
  t.dispose();
  assert.deepEqual(stats(), before);
  t.dispose();
  t.dispose();
  assert.deepEqual(stats(), before, 'a second dispose frees nothing else');
  assert.equal(t.isDisposed, true);
  assert.equal(String(t), 'Tensor(disposed)');
  assertThrows(
    () => t.shape,
    /^shape: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    torch.TorchError,
  );
  assertThrows(
    () => t.add(1),
    /: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    torch.TorchError,
  );
  assertThrows(
    () => torch.ones([10]).add(t),
    /^add: argument 1: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    torch.TorchError,
  );
  assertThrows(() => t.toArray(), /tensor was disposed/, torch.TorchError);
  assertThrows(() => t.sum().backward(), /tensor was disposed/, torch.TorchError);
});

test('memoryStats counts tensors and fresh bytes exactly', () => {
  const s0 = stats();
  const a = torch.zeros([1000]);
  const b = torch.ones([10, 10], { dtype: 'float64' });
  assert.deepEqual(stats(), { tensors: s0.tensors + 2, bytes: s0.bytes + 4000 + 800 });
  const view = a.reshape([10, 100]);
  assert.deepEqual(stats(), { tensors: s0.tensors + 3, bytes: s0.bytes + 4800 }, 'a view owns no new bytes');
  const c = a.add(1);
  assert.deepEqual(stats(), { tensors: s0.tensors + 4, bytes: s0.bytes + 8800 });
  for (const t of [view, a, b, c]) t.dispose();
  assert.deepEqual(stats(), s0);
});

test('scope frees everything created inside except what the result reaches', () => {
  const s0 = stats();
  const outside = torch.ones([3]);
  let inner: Tensor[] = [];
  const r = torch.scope(() => {
    const a = torch.ones([2]).mul(3);
    const b = a.add(1);
    const c = b.exp();
    const d = torch.zeros([1]);
    const k1 = torch.full([1], 7);
    const k2 = torch.full([1], 8);
    const k3 = torch.full([1], 9);
    inner = [a, c, d, outside.mul(2)];
    return { tensor: b, list: [k1, 5, 'x'], nested: { deep: { t: k2 } }, map: new Map([['k', k3]]), set: new Set([d]), input: outside };
  });
  assert.deepEqual(
    inner.map((t) => t.isDisposed),
    [true, true, false, true],
  );
  assertThrows(
    () => inner[0].add(1),
    /tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    torch.TorchError,
  );
  assert.deepEqual(r.tensor.toArray(), [4, 4]);
  assert.deepEqual(r.list[0] instanceof torch.Tensor && (r.list[0] as Tensor).toArray(), [7]);
  assert.deepEqual(r.nested.deep.t.toArray(), [8]);
  assert.deepEqual(r.map.get('k')!.toArray(), [9]);
  assert.deepEqual([...r.set][0].toArray(), [0]);
  assert.equal(outside.isDisposed, false, 'tensors from outside are never touched');
  assert.equal(stats().tensors, s0.tensors + 6, 'outside + 5 kept');
  for (const t of [r.tensor, r.list[0] as Tensor, r.nested.deep.t, r.map.get('k')!, [...r.set][0], outside]) t.dispose();
  assert.deepEqual(stats(), s0);
  // a plain tensor result, and a Map with tensor keys
  const t = torch.scope(() => torch.arange(4).add(1));
  assert.deepEqual(t.toArray(), [1, 2, 3, 4]);
  const m = torch.scope(() => new Map([[torch.zeros([1]), 1]]));
  assert.equal([...m.keys()][0].isDisposed, false);
  t.dispose();
  [...m.keys()][0].dispose();
  assert.deepEqual(stats(), s0);
  // results holding no tensors free everything; typed arrays are not walked
  const data = torch.scope(() => torch.arange(5, undefined, 1, { dtype: 'float32' }).mul(2).data());
  assert.ok(data instanceof Float32Array);
  assert.deepEqual(Array.from(data), [0, 2, 4, 6, 8]);
  assert.deepEqual(stats(), s0);
});

test('in-place ops (uniform_, normal_, mul_, zero_) create no tensors; new Linear leaves exactly its parameters', () => {
  const t = torch.empty([3]);
  const before = stats().tensors;
  torch.scope(() => {
    t.uniform_(0, 1);
    t.normal_(0, 1);
    t.mul_(2);
    t.zero_();
  });
  assert.equal(stats().tensors, before);
  const layer = new Linear(4, 2);
  assert.equal(stats().tensors, before + 2);
  layer.weight.dispose();
  layer.bias!.dispose();
  t.dispose();
});

test('nested scopes move kept tensors to the parent', () => {
  const s0 = stats();
  let fromInner: Tensor | undefined;
  let innerTemp: Tensor | undefined;
  const out = torch.scope(() => {
    fromInner = torch.scope(() => {
      innerTemp = torch.ones([2]);
      return innerTemp.mul(5);
    });
    assert.equal(innerTemp!.isDisposed, true, 'inner temporaries freed when the inner scope ends');
    assert.equal(fromInner.isDisposed, false);
    assert.equal(stats().tensors, s0.tensors + 1);
    const kept = torch.scope(() => fromInner!.add(1));
    return kept;
  });
  assert.equal(fromInner!.isDisposed, true, 'the inner result was owned by the outer scope, which did not return it');
  assert.deepEqual(out.toArray(), [6, 6]);
  assert.equal(stats().tensors, s0.tensors + 1);
  out.dispose();
  assert.deepEqual(stats(), s0);
});

test('a throwing fn frees every tensor it created, including in nested scopes', () => {
  const s0 = stats();
  const made: Tensor[] = [];
  assert.throws(
    () =>
      torch.scope(() => {
        made.push(torch.ones([4]));
        made.push(torch.scope(() => torch.zeros([4]).add(1)));
        torch.scope(() => {
          made.push(torch.full([2], 3));
          throw new RangeError('fail inside');
        });
      }),
    /^RangeError: fail inside$/,
  );
  assert.equal(made.length, 3);
  assert.ok(made.every((t) => t.isDisposed));
  assert.deepEqual(stats(), s0);
  // the scope stack was unwound: a tensor made now belongs to no scope
  const after = torch.ones([1]);
  torch.scope(() => 0);
  assert.equal(after.isDisposed, false);
  after.dispose();
});

test('an async fn is rejected with a TypeError and frees what it made; no unhandled rejection', async () => {
  const s0 = stats();
  const rejections: unknown[] = [];
  const onRejection = (r: unknown): void => {
    rejections.push(r);
  };
  process.on('unhandledRejection', onRejection);
  try {
    let early: Tensor | undefined;
    assertThrows(
      () =>
        torch.scope((async () => {
          early = torch.ones([2]);
          await null;
          throw new Error('late failure');
        }) as unknown as () => number),
      /^scope: fn is async \(returns a Promise\)/,
      TypeError,
    );
    assert.equal(early, undefined, 'an async function is refused before it runs');
    // a sync function that returns a promise: refused after it ran; its tensors are freed
    let made: Tensor | undefined;
    assertThrows(
      () =>
        torch.scope(() => {
          made = torch.ones([2]);
          return Promise.reject(new Error('late failure'));
        }),
      /^scope: fn is async/,
      TypeError,
    );
    assert.equal(made!.isDisposed, true);
    assert.deepEqual(stats(), s0);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});

test('keep() takes a tensor out of every open scope', () => {
  const s0 = stats();
  let kept: Tensor | undefined;
  torch.scope(() => {
    torch.scope(() => {
      kept = keep(torch.ones([3]).mul(2));
      torch.zeros([1]);
    });
  });
  assert.deepEqual(kept!.toArray(), [2, 2, 2]);
  assert.equal(stats().tensors, s0.tensors + 1);
  kept!.dispose();
  assert.deepEqual(stats(), s0);
  assertThrows(() => keep(kept!), /^keep: the tensor was disposed/, TypeError);
});

test("a stale handle (late finalizer) never frees the slot's next tenant", () => {
  const s0 = stats();
  const t1 = torch.full([3], 1);
  const h1 = t1._h;
  t1.dispose();
  const t2 = torch.full([3], 2);
  assert.equal(t2._h & SLOT_MASK, h1 & SLOT_MASK, 'the slot is reused');
  assert.notEqual(t2._h, h1, 'with a new generation');
  native.free(h1); // what a finalizer holding the old handle would do
  native.free(h1);
  assert.deepEqual(t2.toArray(), [2, 2, 2]);
  assert.equal(stats().tensors, s0.tensors + 1);
  assertThrows(
    () => native.shape(h1),
    /^shape: argument 0: tensor was disposed \(used after dispose\(\), or after the scope\(\) that created it ended\)$/,
    torch.TorchError,
  );
  t2.dispose();
  assert.deepEqual(stats(), s0);
});

test('KEY: 35,000 training steps in scopes leak no tensors and no memory', (t) => {
  const gen = new torch.Generator(0);
  const x = torch.randn([32, 8], { generator: gen });
  const y = torch.randn([32, 1], { generator: gen });
  const W1 = torch.randn([16, 8], { generator: gen }).mul(0.3).requiresGrad_();
  const b1 = torch.zeros([16]).requiresGrad_();
  const W2 = torch.randn([1, 16], { generator: gen }).mul(0.3).requiresGrad_();
  const b2 = torch.zeros([1]).requiresGrad_();
  const params = [W1, b1, W2, b2];
  const lin = (inp: Tensor, W: Tensor, b: Tensor): Tensor => inp.unsqueeze(1).mul(W).sum(2).add(b);
  const steps = 35_000;
  // RSS rises by up to ~17 MiB over the first ~15,000 steps (allocator arenas and V8's heap
  // settling, with or without a leak) and is flat after: measure from step 15,000.
  const from = 15_000;
  let base = -1;
  let rssAtFrom = 0;
  let firstLoss = 0;
  let lastLoss = 0;
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = torch.scope(() => {
      const h = lin(x, W1, b1).clampMin(0);
      const l = lin(h, W2, b2).sub(y).pow(2).mean();
      l.backward();
      torch.noGrad(() => {
        for (const p of params) {
          const gp = p.grad!;
          p.add_(gp, -0.05);
          gp.zero_();
        }
      });
      return l.item();
    });
    const live = stats().tensors;
    if (step === 1) {
      base = live; // params now hold .grad tensors (not handles): the count is fixed from here
      firstLoss = loss;
    } else if (live !== base) {
      assert.fail(`step ${step}: ${live} live tensors, expected ${base}`);
    }
    if (step === from) {
      fullGc();
      rssAtFrom = process.memoryUsage().rss;
    }
    lastLoss = loss;
  }
  fullGc();
  const growth = process.memoryUsage().rss - rssAtFrom;
  const seconds = (performance.now() - t0) / 1000;
  t.diagnostic(
    `RSS growth step ${from} -> ${steps}: ${(growth / 2 ** 20).toFixed(2)} MiB; ${seconds.toFixed(1)} s; loss ${firstLoss.toExponential(3)} -> ${lastLoss.toExponential(3)}`,
  );
  assert.ok(Number.isFinite(lastLoss) && lastLoss < firstLoss / 100, `the model trained (loss ${firstLoss} -> ${lastLoss})`);
  assert.ok(
    growth < 6 * 2 ** 20,
    `RSS grew ${(growth / 2 ** 20).toFixed(2)} MiB between step ${from} and ${steps} (a leak of 300 bytes per step)`,
  );
  assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s`);
  for (const p of params) p.dispose();
  for (const u of [x, y]) u.dispose();
});

test('KEY: param.grad read outside any scope is one Tensor per gradient: 20,000 steps at a flat tensor count and RSS', (t) => {
  const gen = new torch.Generator(1);
  const w = torch.randn([64, 64], { generator: gen }).requiresGrad_(); // a 16 KiB gradient
  const x = torch.randn([8, 64], { generator: gen });
  const opt = new torch.optim.SGD([w], { lr: 1e-3 });
  const steps = 20_000;
  let base = -1;
  let rssAt1000 = 0;
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad(); // drops the gradient: backward makes a new one every step
    torch.scope(() => x.matmul(w).pow(2).mean().backward());
    const g = w.grad!; // outside any scope, as logging code reads it
    assert.equal(w.grad, g, 'a second read returns the same Tensor');
    opt.step();
    const live = stats().tensors;
    if (step === 1) base = live;
    else if (live !== base) assert.fail(`step ${step}: ${live} live tensors, expected ${base}`);
    if (step === 1000) {
      fullGc();
      rssAt1000 = process.memoryUsage().rss;
    }
  }
  fullGc();
  const growth = process.memoryUsage().rss - rssAt1000;
  t.diagnostic(
    `RSS growth step 1000 -> ${steps}: ${(growth / 2 ** 20).toFixed(2)} MiB (a buffer per read would be ${((19_000 * 16) / 1024).toFixed(0)} MiB)`,
  );
  assert.ok(growth < 10 * 2 ** 20, `RSS grew ${(growth / 2 ** 20).toFixed(2)} MiB between step 1000 and ${steps}`);
  w.dispose();
  x.dispose();
});

test('.grad belongs to its tensor: scopes leave it alive; clearing or replacing the gradient disposes it', () => {
  const w = torch.ones([3], { requiresGrad: true });
  w.mul(2).sum().backward();
  const inScope = torch.scope(() => {
    const g = w.grad!;
    return g.sum().item();
  });
  assert.equal(inScope, 6);
  const g = w.grad!;
  assert.equal(g.isDisposed, false, 'the scope that read it did not dispose it');
  w.mul(3).sum().backward(); // accumulates in place: still the same gradient
  assert.equal(w.grad, g);
  assert.deepEqual(g.toArray(), [5, 5, 5]);
  w.grad = null;
  assert.equal(g.isDisposed, true, 'cleared gradient: the Tensor read before is disposed');
  assert.equal(w.grad, null);
  const mine = torch.full([3], 7);
  w.grad = mine;
  assert.deepEqual(w.grad!.toArray(), [7, 7, 7]);
  assert.equal(mine.isDisposed, false, "a Tensor the caller assigned stays the caller's");
  const before = stats().tensors;
  w.dispose();
  assert.equal(stats().tensors, before - 2, 'disposing the tensor disposes its .grad Tensor');
  mine.dispose();
});

/** Runs `body` (an ES module source with `torch` and `native` in scope) in `node --expose-gc`; returns its JSON output. */
function runWithGc(body: string): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'selfsup-gc-'));
  try {
    const file = join(dir, 'child.mjs');
    const index = pathToFileURL(join(root, 'dist', 'src', 'index.js')).href;
    const nat = pathToFileURL(join(root, 'dist', 'src', 'torch', 'native.js')).href;
    writeFileSync(
      file,
      `import { torch } from ${JSON.stringify(index)};
import { native } from ${JSON.stringify(nat)};
const settle = async () => {
  for (let i = 0; i < 10; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 5)); }
};
${body}
`,
    );
    const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `child failed (${r.status} ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop()!;
    return JSON.parse(line) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('finalizer safety net: tensors dropped without dispose are freed after GC (child node --expose-gc)', () => {
  const out = runWithGc(`
const base = torch.memoryStats();
(() => { for (let i = 0; i < 1000; i++) torch.zeros([256]); })();
const made = torch.memoryStats();
// tensors kept by an outermost scope are handed to the finalizer too
(() => { for (let i = 0; i < 100; i++) torch.scope(() => torch.ones([8]).mul(2)); })();
const kept = torch.memoryStats();
await settle();
const after = torch.memoryStats();
console.log(JSON.stringify({ base, made, kept, after }));
`);
  const { base, made, kept, after } = out as Record<string, { tensors: number; bytes: number }>;
  assert.equal(made.tensors, base.tensors + 1000);
  assert.equal(made.bytes, base.bytes + 1000 * 1024);
  assert.equal(kept.tensors, made.tensors + 100);
  assert.deepEqual(after, base, 'every dropped tensor was freed by its finalizer');
});

test('a finalizer firing after the slot was released never frees the reused slot (child node --expose-gc)', () => {
  const out = runWithGc(`
const SLOT = 2 ** 24 - 1;
const base = torch.memoryStats().tensors;
let stale = torch.full([4], 1);          // registered with the finalizer under handle h1
const h1 = stale._h;
native.free(h1);                          // the slot is released behind the finalizer's back
const fresh = [];
for (let i = 0; i < 50; i++) fresh.push(torch.full([4], i + 2));  // one of them reuses h1's slot
const reused = fresh.some((t) => (t._h & SLOT) === (h1 & SLOT) && t._h !== h1);
let control = torch.zeros([4]);           // dropped without dispose: proves finalizers ran
stale = null; control = null;
await settle();
const values = fresh.map((t) => t.toArray()[0]);
const live = torch.memoryStats().tensors - base;
// dispose() then GC: the disposed tensor's slot is reused, GC must not touch it
let d = torch.full([2], 5); const hd = d._h; d.dispose(); d = null;
const tenant = torch.full([2], 6);
const reused2 = (tenant._h & SLOT) === (hd & SLOT);
await settle();
console.log(JSON.stringify({ reused, values, live, reused2, tenant: tenant.toArray() }));
`);
  assert.equal(out.reused, true, 'a fresh tensor reused the stale slot');
  assert.deepEqual(
    out.values,
    Array.from({ length: 50 }, (_, i) => i + 2),
    'every fresh tensor is intact',
  );
  assert.equal(out.live, 50, 'the control tensor was finalized; the 50 fresh ones are alive');
  assert.equal(out.reused2, true);
  assert.deepEqual(out.tenant, [6, 6]);
});
